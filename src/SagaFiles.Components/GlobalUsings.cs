global using MassTransit;
global using SagaFiles.Contracts;
