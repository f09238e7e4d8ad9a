using SagaFiles.Testing;

namespace SagaFiles.Chaos.Tests;

/// <summary>A Postgres server of this assembly's own, even where SAGAFILES_TEST_POSTGRES names a shared one: the specs restart it.</summary>
[SetUpFixture]
public sealed class StackSetUp : TestStackSetUpFixture
{
    protected override bool OwnPostgres => true;
}
