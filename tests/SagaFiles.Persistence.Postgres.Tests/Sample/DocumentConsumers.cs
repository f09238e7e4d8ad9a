using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace SagaFiles.Persistence.Postgres.Tests.Sample;

/// <summary>Writes a <see cref="Document" /> and publishes <see cref="DocumentCreated" />; optionally throws afterwards.</summary>
public class CreateDocumentConsumer(SampleDbContext db, DocumentLog log) : IConsumer<CreateDocument>
{
    public async Task Consume(ConsumeContext<CreateDocument> context)
    {
        log.Consumed(context.MessageId ?? Guid.Empty);

        db.Documents.Add(new Document { Id = context.Message.DocumentId, Name = context.Message.Name });
        await context.Publish(new DocumentCreated(context.Message.DocumentId));
        await db.SaveChangesAsync(context.CancellationToken);

        if (context.Message.FailAfterPublish)
            throw new InvalidOperationException("Failing after publish, on purpose");
    }
}

public class CreateDocumentConsumerDefinition : ConsumerDefinition<CreateDocumentConsumer>
{
    public CreateDocumentConsumerDefinition()
    {
        ConcurrentMessageLimit = 8;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<CreateDocumentConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.UseEntityFrameworkOutbox<SampleDbContext>(context);
}

/// <summary>Receives <see cref="DocumentCreated" /> and records whether the document was already committed at that moment.</summary>
public class DocumentCreatedConsumer(IDbContextFactory<SampleDbContext> dbFactory, DocumentLog log) : IConsumer<DocumentCreated>
{
    public async Task Consume(ConsumeContext<DocumentCreated> context)
    {
        await using var db = await dbFactory.CreateDbContextAsync(context.CancellationToken);
        var committed = await db.Documents.AsNoTracking().AnyAsync(x => x.Id == context.Message.DocumentId, context.CancellationToken);
        log.Created(context.Message.DocumentId, committed);
    }
}

/// <summary>One receive at a time, so the endpoint's queue is consumed in order (a marker sent last arrives last).</summary>
public class DocumentCreatedConsumerDefinition : ConsumerDefinition<DocumentCreatedConsumer>
{
    public DocumentCreatedConsumerDefinition()
    {
        ConcurrentMessageLimit = 1;
    }
}

/// <summary>What the document consumers saw, shared by the hosts of one test; awaitable.</summary>
public sealed class DocumentLog
{
    readonly ConcurrentDictionary<Guid, int> _consumed = new();
    readonly ConcurrentDictionary<Guid, List<bool>> _created = new();
    readonly ConcurrentDictionary<Guid, TaskCompletionSource<bool>> _firstCreated = new();

    public int TimesConsumed(Guid messageId) => _consumed.GetValueOrDefault(messageId);

    public IReadOnlyCollection<Guid> ConsumedMessageIds => _consumed.Keys.ToList();

    public void Consumed(Guid messageId) => _consumed.AddOrUpdate(messageId, 1, (_, n) => n + 1);

    /// <summary>How often DocumentCreated arrived for this document.</summary>
    public int TimesCreated(Guid documentId)
    {
        if (!_created.TryGetValue(documentId, out var list))
            return 0;
        lock (list)
            return list.Count;
    }

    public void Created(Guid documentId, bool committed)
    {
        var list = _created.GetOrAdd(documentId, _ => []);
        lock (list)
            list.Add(committed);
        Signal(documentId).TrySetResult(committed);
    }

    /// <summary>Completes with "was the document committed when the event arrived" for the first DocumentCreated.</summary>
    public Task<bool> WaitForCreated(Guid documentId, TimeSpan timeout) => Signal(documentId).Task.WaitAsync(timeout);

    TaskCompletionSource<bool> Signal(Guid documentId) =>
        _firstCreated.GetOrAdd(documentId, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
}
