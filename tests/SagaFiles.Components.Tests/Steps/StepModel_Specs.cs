using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using SagaFiles.Components.Consumers;
using SagaFiles.Components.StateMachines;
using SagaFiles.Components.Steps;
using SagaFiles.Contracts;
using Shouldly;

namespace SagaFiles.Components.Tests.Steps;

/// <summary>The steps are described once (FileSteps.All), and a host whose description is incomplete or doubled does not start.</summary>
public class StepModel_Specs
{
    static readonly FileStateMachine Machine = new(TimeProvider.System, Options.Create(new FileSagaOptions()), NullLogger<FileStateMachine>.Instance);

    [Test]
    public async Task The_steps_as_described_match_the_state_machine()
    {
        StepModelCheck.Problems(FileSteps.All, Machine).ShouldBeEmpty();
        await new StepModelCheck(FileSteps.All, Machine).StartAsync(CancellationToken.None);
    }

    [Test]
    public void A_step_described_twice_stops_the_host_naming_it()
    {
        var convert = FileSteps.Named(FileSteps.Convert);
        var check = new StepModelCheck([.. FileSteps.All, convert with { Name = "Convert again" }], Machine);

        var stopped = Should.Throw<InvalidOperationException>(() => check.StartAsync(CancellationToken.None));

        stopped.Message.ShouldContain("The queue convert-file is described by more than one step (Convert, Convert again).");
        stopped.Message.ShouldContain("The command ConvertFile is described by more than one step (Convert, Convert again).");
        stopped.Message.ShouldContain("The state Converting is described by more than one step");
    }

    [Test]
    public void A_step_missing_from_the_description_stops_the_host_naming_what_is_left_over()
    {
        var problems = StepModelCheck.Problems([.. FileSteps.All.Where(s => s.Name != FileSteps.Checksum)], Machine).ToList();

        problems.ShouldBe([
            "The command ComputeChecksum is sent by no step.",
            "The completion ChecksumComputed answers no step.",
            "The state machine's state Checksumming belongs to no step."
        ], ignoreOrder: true);
    }

    [Test]
    public void A_step_the_state_machine_does_not_know_is_refused()
    {
        var sweep = FileSteps.Named(FileSteps.Checksum) with { Name = "Sweep", State = "Sweeping", Queue = "sweep-file" };

        var problems = StepModelCheck.Problems([.. FileSteps.All, sweep], Machine).ToList();

        problems.ShouldContain("Step Sweep: the state machine has no state Sweeping.");
        StepModelCheck.Problems([sweep with { State = FileStates.Completed, Queue = FileSteps.PreserveFailedQueue }], machine: null)
            .ShouldContain("The state Completed is not a step's.");
    }

    [Test]
    public void Every_state_of_the_machine_shows_as_exactly_one_status()
    {
        var states = Machine.States.Select(s => s.Name).Where(s => s != FileStates.Final).ToList();

        states.ShouldAllBe(state => Enum.GetValues<FileStatus>().Count(status => FileStates.Of(status).Contains(state)) == 1);
        Enum.GetValues<FileStatus>().SelectMany(FileStates.Of).ShouldBe(states, ignoreOrder: true);
        FileStates.StatusOf(Machine.Converting.Name).ShouldBe(FileStatus.Processing);
        FileStates.StatusOf(FileStates.Initial).ShouldBe(FileStatus.Pending);
    }

    [Test]
    public void Lookups_that_miss_throw()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => FileSteps.Named("Sweep")).Message.ShouldContain("Sweep");
        Should.Throw<ArgumentOutOfRangeException>(() => FileSteps.RunBy(typeof(PreserveFailedFileConsumer)));
        Should.Throw<ArgumentOutOfRangeException>(() => FileStates.StatusOf("Sweeping")).Message.ShouldContain("Sweeping");
    }

    [Test]
    public void Each_step_builds_its_command_for_the_files_current_attempt()
    {
        var file = new FileState
        {
            CorrelationId = Guid.NewGuid(), Attempt = 2, SourceBucket = "incoming", SourceKey = "k", OriginalName = "a.csv",
            StagingBucket = "staging", StagingKey = "s", Sha256 = "ab"
        };

        foreach (var step in FileSteps.All)
        {
            var command = step.CommandFor(file);
            command.GetType().ShouldBe(step.Command);
            (command.FileId, command.Attempt).ShouldBe((file.CorrelationId, 2));
        }

        // The queues users name in a redrive (and find in GET /files/{id}/saga) keep their names.
        string[] known = ["download-file", "compute-checksum", "convert-file", "upload-file", "preserve-failed-file"];
        known.ShouldBeSubsetOf(FileSteps.Queues);
    }
}
