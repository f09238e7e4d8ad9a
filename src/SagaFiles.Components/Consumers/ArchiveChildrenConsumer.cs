using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Data;
using SagaFiles.Persistence.Postgres;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Counts an archive's children apart from the archive's saga, so thousands of children finishing together do not race
/// for its row: each report adds to the archive's <see cref="ArchiveProgress" /> in one statement, and the report (or the
/// archive's <see cref="ArchiveExpanded" />, whichever comes last) that completes the count tells the saga with
/// <see cref="ArchiveChildrenFinished" />, in the same transaction (inbox/outbox: each report counts once).
/// </summary>
public sealed class ArchiveChildrenConsumer(SagaFilesDbContext db, IOptions<ArchiveCompletionOptions> options, ILogger<ArchiveChildrenConsumer> logger)
    : IConsumer<ChildFileFinished>, IConsumer<ArchiveExpanded>
{
    public async Task Consume(ConsumeContext<ChildFileFinished> context)
    {
        var report = context.Message;
        var progress = await db.CountChildAsync(report.ParentFileId, report.Succeeded, report.PreviouslySucceeded, context.CancellationToken);
        await TellWhenFinishedAsync(context, progress);
    }

    public async Task Consume(ConsumeContext<ArchiveExpanded> context)
    {
        var progress = await db.ExpectChildrenAsync(context.Message.FileId, context.Message.ChildCount, context.CancellationToken);
        await TellWhenFinishedAsync(context, progress);
    }

    async Task TellWhenFinishedAsync(ConsumeContext context, ArchiveProgress progress)
    {
        if (!progress.AllChildrenFinished)
            return;
        logger.LogInformation("Archive {FileId}: all {ChildCount} children finished ({ChildrenCompleted} completed, {ChildrenFailed} failed)",
            progress.FileId, progress.ChildCount, progress.ChildrenCompleted, progress.ChildrenFailed);
        var tolerated = options.Value.ToleratedFailurePercent;
        await context.Publish(new ArchiveChildrenFinished
        {
            FileId = progress.FileId, ChildrenCompleted = progress.ChildrenCompleted, ChildrenFailed = progress.ChildrenFailed,
            WithinTolerance = progress.WithinTolerance(tolerated), ToleratedFailurePercent = tolerated
        }, context.CancellationToken);
    }
}

/// <summary>The counting queue: each report counts once (inbox), and the database may be away for a restart.</summary>
public sealed class ArchiveChildrenConsumerDefinition : ConsumerDefinition<ArchiveChildrenConsumer>
{
    public const string QueueName = "archive-children";

    public ArchiveChildrenConsumerDefinition() => Endpoint(e => e.Name = QueueName);

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ArchiveChildrenConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseDatabaseOutageRetry();
        endpointConfigurator.UseEntityFrameworkOutbox<SagaFilesDbContext>(context);
    }
}
