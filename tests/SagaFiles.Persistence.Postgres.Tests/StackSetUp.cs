using SagaFiles.Testing;

namespace SagaFiles.Persistence.Postgres.Tests;

[SetUpFixture]
public sealed class StackSetUp : TestStackSetUpFixture;
