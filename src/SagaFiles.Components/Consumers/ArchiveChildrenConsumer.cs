using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Data;
using SagaFiles.Persistence.Postgres;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Lets an archive's children go and counts them apart from the archive's saga:
/// <list type="bullet">
/// <item>Its <see cref="ArchiveExpanded" /> records the children listed by the convert step (<see cref="ChildManifest" />)
/// and publishes the first <see cref="ArchiveOptions.ChildrenInFlight" />; each child's report publishes the next, so one
/// archive never has more than that many files on the queues ahead of everybody else's.</item>
/// <item>Thousands of children finishing together do not race for the archive's row: each report adds to its
/// <see cref="ArchiveProgress" /> in one statement, and the report (or the <see cref="ArchiveExpanded" />, whichever comes
/// last) that completes the count tells the saga with <see cref="ArchiveChildrenFinished" />.</item>
/// </list>
/// All in one transaction with the messages it publishes (inbox/outbox): each report counts and releases once.
/// </summary>
public sealed class ArchiveChildrenConsumer(SagaFilesDbContext db, ChildManifests manifests, IOptions<ArchiveOptions> options,
    ILogger<ArchiveChildrenConsumer> logger)
    : IConsumer<ChildFileFinished>, IConsumer<ArchiveExpanded>
{
    /// <summary>Rows inserted per statement while the children are recorded.</summary>
    const int RecordedAtOnce = 1000;

    public async Task Consume(ConsumeContext<ChildFileFinished> context)
    {
        var report = context.Message;
        var progress = await db.CountChildAsync(report.ParentFileId, report.Succeeded, report.PreviouslySucceeded, context.CancellationToken);
        await ReleaseAsync(context, progress.FileId);
        await TellWhenFinishedAsync(context, progress);
    }

    public async Task Consume(ConsumeContext<ArchiveExpanded> context)
    {
        var expanded = context.Message;
        if (expanded.Children is { } children)
            await RecordAsync(expanded.FileId, children, context.CancellationToken);
        var progress = await db.ExpectChildrenAsync(expanded.FileId, expanded.ChildCount, context.CancellationToken);
        await ReleaseAsync(context, progress.FileId);
        await TellWhenFinishedAsync(context, progress);
    }

    async Task RecordAsync(Guid archiveId, ChildManifest children, CancellationToken cancellationToken)
    {
        var batch = new List<string>(RecordedAtOnce);
        var recorded = 0;
        await foreach (var line in manifests.ReadAsync(children, cancellationToken))
        {
            batch.Add(line);
            if (batch.Count < RecordedAtOnce)
                continue;
            await db.RecordChildrenAsync(archiveId, recorded, batch, cancellationToken);
            recorded += batch.Count;
            batch.Clear();
        }

        if (batch.Count > 0)
            await db.RecordChildrenAsync(archiveId, recorded, batch, cancellationToken);
        logger.LogInformation("Archive {FileId}: {ChildCount} children recorded to release", archiveId, recorded + batch.Count);
    }

    async Task ReleaseAsync(ConsumeContext context, Guid archiveId)
    {
        var released = await db.ReleaseChildrenAsync(archiveId, options.Value.ChildrenInFlight, context.CancellationToken);
        foreach (var child in released)
            await context.Publish(ChildManifests.Parse(child), context.CancellationToken);
    }

    async Task TellWhenFinishedAsync(ConsumeContext context, ArchiveProgress progress)
    {
        if (!progress.AllChildrenFinished)
            return;
        logger.LogInformation("Archive {FileId}: all {ChildCount} children finished ({ChildrenCompleted} completed, {ChildrenFailed} failed)",
            progress.FileId, progress.ChildCount, progress.ChildrenCompleted, progress.ChildrenFailed);
        await db.ForgetChildrenAsync(progress.FileId, context.CancellationToken);
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
