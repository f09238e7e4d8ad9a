global using System.Net;
global using System.Net.Http.Json;
global using NUnit.Framework;
global using Shouldly;
global using SagaFiles.Components.Steps;
