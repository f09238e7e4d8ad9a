using NUnit.Framework;
using SagaFiles.Components.Consumers;
using SagaFiles.Processing;
using Shouldly;

namespace SagaFiles.Components.Tests.Consumers;

/// <summary>A step that hangs or swells is cancelled through its token and fails with the budget it passed.</summary>
public class StepBudget_Specs
{
    static readonly ProcessingOptions Options = new() { MaxStepDuration = TimeSpan.FromMilliseconds(300), MaxWorkerMemoryBytes = 512L * 1024 * 1024 };
    static readonly ProcessingOptions Patient = new() { MaxStepDuration = TimeSpan.FromHours(1), MaxWorkerMemoryBytes = 512L * 1024 * 1024 };

    [Test]
    public async Task A_hung_step_is_cancelled_after_MaxStepDuration_and_fails_the_file_naming_it()
    {
        using var budget = StepBudget.Start(CancellationToken.None, Options, TimeSpan.FromMinutes(15), () => 0);

        await Should.ThrowAsync<OperationCanceledException>(() => Task.Delay(Timeout.Infinite, budget.Token).WaitAsync(TimeSpan.FromSeconds(30)));

        var exceeded = budget.Exceeded.ShouldBeOfType<InvalidFileException>();
        exceeded.Message.ShouldContain("longer than the 00:00:00.3000000 allowed");
        exceeded.Message.ShouldContain("raise Processing:MaxStepDuration");
    }

    [Test]
    public async Task A_step_running_while_the_worker_passes_its_memory_budget_is_cancelled_naming_it()
    {
        using var budget = StepBudget.Start(CancellationToken.None, Patient,
            TimeSpan.FromMinutes(15), () => 600L * 1024 * 1024);

        await Should.ThrowAsync<OperationCanceledException>(() => Task.Delay(Timeout.Infinite, budget.Token).WaitAsync(TimeSpan.FromSeconds(30)));

        budget.Exceeded.ShouldBeOfType<InvalidFileException>().Message.ShouldContain("held 600 MiB while the step ran, more than the 512 MiB allowed");
    }

    [Test]
    public async Task A_run_past_the_StepTimeout_is_stopped_in_the_worker_without_failing_the_file()
    {
        using var budget = StepBudget.Start(CancellationToken.None, Patient, TimeSpan.FromMilliseconds(300), () => 0);

        await Should.ThrowAsync<OperationCanceledException>(() => Task.Delay(Timeout.Infinite, budget.Token).WaitAsync(TimeSpan.FromSeconds(30)));

        budget.Exceeded.ShouldBeOfType<AttemptSupersededException>();
    }

    [Test]
    public async Task A_step_within_its_budget_is_not_cancelled_and_a_stopping_worker_fails_nothing()
    {
        using var stopping = new CancellationTokenSource();
        using var budget = StepBudget.Start(stopping.Token, Patient,
            TimeSpan.FromMinutes(15), () => 0);
        await Task.Delay(600);
        budget.Token.IsCancellationRequested.ShouldBeFalse();

        await stopping.CancelAsync();

        budget.Token.IsCancellationRequested.ShouldBeTrue();
        budget.Exceeded.ShouldBeNull();
    }

    [Test]
    public void Temp_files_of_a_worker_that_is_gone_are_removed_and_a_live_one_keeps_its_own()
    {
        using var own = TempFile.Create(Guid.NewGuid(), "spec");
        var gone = Directory.CreateDirectory(TempFile.FolderOf(int.MaxValue)).FullName; // no such process
        File.WriteAllText(Path.Combine(gone, "left-behind.tmp"), "x");

        TempFile.RemoveLeftovers().ShouldBeGreaterThanOrEqualTo(1);

        Directory.Exists(gone).ShouldBeFalse();
        File.Exists(own.Name).ShouldBeTrue();
    }
}
