global using MassTransit;
global using Microsoft.EntityFrameworkCore;
global using Microsoft.Extensions.DependencyInjection;
global using NUnit.Framework;
global using SagaFiles.Persistence.Postgres.Tests.Sample;
global using SagaFiles.Persistence.Postgres.Tests.Support;
global using Shouldly;
