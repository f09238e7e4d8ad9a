using NUnit.Framework;

namespace SagaFiles.Testing;

/// <summary>
/// Starts one <see cref="TestStack" /> per test assembly and stops it at the end. Subclass it in the test assembly's
/// root namespace: <c>[SetUpFixture] public sealed class StackSetUp : TestStackSetUpFixture;</c>
/// </summary>
public abstract class TestStackSetUpFixture
{
    static TestStack? _stack;

    public static TestStack Stack =>
        _stack ?? throw new InvalidOperationException("The test stack is not started: add a [SetUpFixture] deriving from TestStackSetUpFixture.");

    /// <summary>True when the assembly needs a PostgreSQL server of its own, e.g. to restart it.</summary>
    protected virtual bool OwnPostgres => false;

    [OneTimeSetUp]
    public async Task StartStack()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10)); // a first run also installs the tools
        _stack = await TestStack.StartAsync(OwnPostgres, timeout.Token);
        await TestContext.Progress.WriteLineAsync($"TestStack: {_stack} ready in {started.Elapsed.TotalSeconds:0.0} s");
    }

    [OneTimeTearDown]
    public async Task StopStack()
    {
        var stack = _stack;
        _stack = null;
        if (stack != null)
            await stack.DisposeAsync();
    }
}
