global using SagaFiles.Api.Security;
