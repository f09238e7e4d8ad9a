namespace SagaFiles.Persistence.Postgres.Tests.Sample;

public record CounterIncremented(Guid CounterId);
