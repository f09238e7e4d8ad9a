global using System.Net;
global using System.Net.Http.Json;
global using NUnit.Framework;
global using SagaFiles.Components.Steps;
global using Shouldly;
