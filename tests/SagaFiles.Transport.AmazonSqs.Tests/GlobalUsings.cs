global using MassTransit;
global using Microsoft.Extensions.DependencyInjection;
global using NUnit.Framework;
global using SagaFiles.Transport.AmazonSqs.Tests.Support;
global using Shouldly;
