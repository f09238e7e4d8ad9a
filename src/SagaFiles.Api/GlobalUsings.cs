global using SagaFiles.Api.Security;
global using SagaFiles.Components.Steps;
