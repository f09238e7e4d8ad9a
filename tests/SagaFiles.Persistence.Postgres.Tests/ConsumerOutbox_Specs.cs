using MassTransit.EntityFrameworkCoreIntegration;

namespace SagaFiles.Persistence.Postgres.Tests;

/// <summary>The consumer outbox and the inbox: a consumer's writes and messages commit together; a duplicate is consumed once.</summary>
[TestFixture]
public class ConsumerOutbox_Specs
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    string _connectionString = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _connectionString = await SampleDatabase.CreateAsync("consumer_outbox");

    Task<TestHost> StartHost(DocumentLog log) =>
        TestHost.StartAsync(_connectionString, x =>
        {
            x.AddEntityFrameworkOutbox<SampleDbContext>(o =>
            {
                o.UsePostgres();
                o.DisableInboxCleanupService();
            });
            x.AddConsumer<CreateDocumentConsumer, CreateDocumentConsumerDefinition>();
            x.AddConsumer<DocumentCreatedConsumer, DocumentCreatedConsumerDefinition>();
        }, services =>
        {
            services.AddSingleton(log);
            services.AddDbContextFactory<SampleDbContext>(options => SampleDbContext.Configure(options, _connectionString), ServiceLifetime.Scoped);
        });

    static Task<ISendEndpoint> CreateDocumentEndpoint(TestHost host)
    {
        var name = DefaultEndpointNameFormatter.Instance.Consumer<CreateDocumentConsumer>();
        return host.Bus.GetSendEndpoint(new Uri($"queue:{name}"));
    }

    [Test]
    public async Task A_published_message_is_delivered_after_the_consumers_changes_committed()
    {
        var log = new DocumentLog();
        await using var host = await StartHost(log);
        var documentId = NewId.NextGuid();

        await host.Bus.Publish(new CreateDocument(documentId, "report.csv"));

        var committedWhenDelivered = await log.WaitForCreated(documentId, Timeout);
        committedWhenDelivered.ShouldBeTrue("DocumentCreated arrived before the consumer's transaction committed");

        // the outbox row is gone once delivered, and the inbox row says so
        await SampleDatabase.WaitUntil(_connectionString, async db => !await db.Set<OutboxMessage>().AnyAsync(), Timeout, "outbox_message empty");
        await using var db = SampleDatabase.Open(_connectionString);
        var inbox = await db.Set<InboxState>().AsNoTracking().SingleAsync(x => x.MessageId == log.ConsumedMessageIds.Single());
        (inbox.ReceiveCount, inbox.Consumed.HasValue, inbox.Delivered.HasValue, inbox.LastSequenceNumber.HasValue).ShouldBe((1, true, true, true));
    }

    [Test]
    public async Task A_consumer_that_throws_after_publishing_writes_and_delivers_nothing()
    {
        var log = new DocumentLog();
        await using var host = await StartHost(log);
        var documentId = NewId.NextGuid();

        await host.Bus.Publish(new CreateDocument(documentId, "broken.csv", FailAfterPublish: true));
        await host.Receives.WaitForReceives(1, Timeout);

        host.Receives.ConsumeFaults.ShouldContain(x => x is InvalidOperationException);
        await using var db = SampleDatabase.Open(_connectionString);
        (await db.Documents.AnyAsync(x => x.Id == documentId)).ShouldBeFalse("the consumer's write survived its failure");
        (await db.Set<OutboxMessage>().AnyAsync()).ShouldBeFalse("the published message was stored although the consumer failed");

        // Anything delivered would have been sent before the receive completed; prove the endpoint is still delivering.
        var nextId = NewId.NextGuid();
        await host.Bus.Publish(new CreateDocument(nextId, "fine.csv"));
        (await log.WaitForCreated(nextId, Timeout)).ShouldBeTrue();
        log.TimesCreated(documentId).ShouldBe(0);
    }

    [Test]
    public async Task The_same_message_delivered_twice_is_consumed_once()
    {
        var log = new DocumentLog();
        await using var host = await StartHost(log);
        var documentId = NewId.NextGuid();
        var messageId = NewId.NextGuid();
        var endpoint = await CreateDocumentEndpoint(host);

        await endpoint.Send(new CreateDocument(documentId, "once.csv"), x => x.MessageId = messageId);
        await log.WaitForCreated(documentId, Timeout);
        await endpoint.Send(new CreateDocument(documentId, "once.csv"), x => x.MessageId = messageId);

        // both copies finished their receive pipeline (the duplicate too), and DocumentCreated (one more receive) arrived
        await host.Receives.WaitForReceives(3, Timeout);
        host.Receives.TimesReceived(messageId).ShouldBe(2);
        log.TimesConsumed(messageId).ShouldBe(1);
        host.Receives.ConsumeFaults.ShouldBeEmpty();

        await using var db = SampleDatabase.Open(_connectionString);
        var inbox = await db.Set<InboxState>().AsNoTracking().SingleAsync(x => x.MessageId == messageId);
        inbox.ReceiveCount.ShouldBeGreaterThanOrEqualTo(2);
        inbox.Consumed.ShouldNotBeNull();
        inbox.Delivered.ShouldNotBeNull();
    }

    [Test]
    public async Task Concurrent_copies_of_one_message_are_consumed_once()
    {
        var log = new DocumentLog();
        await using var host = await StartHost(log);
        var documentId = NewId.NextGuid();
        var messageId = NewId.NextGuid();
        var endpoint = await CreateDocumentEndpoint(host);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            endpoint.Send(new CreateDocument(documentId, "race.csv"), x => x.MessageId = messageId)));

        await host.Receives.WaitForReceives(6, Timeout); // five copies + one DocumentCreated
        host.Receives.TimesReceived(messageId).ShouldBe(5);
        log.TimesConsumed(messageId).ShouldBe(1);
        log.TimesCreated(documentId).ShouldBe(1);
        host.Receives.ConsumeFaults.ShouldBeEmpty();
    }

    [Test]
    public async Task Concurrent_copies_of_many_messages_each_deliver_what_they_sent_once()
    {
        var log = new DocumentLog();
        await using var host = await StartHost(log);
        var endpoint = await CreateDocumentEndpoint(host);
        var documents = Enumerable.Range(0, 20).Select(_ => (DocumentId: NewId.NextGuid(), MessageId: NewId.NextGuid())).ToList();

        // Each copy that loses the race for the inbox row arrives while the first delivers, or just after.
        await Task.WhenAll(documents.SelectMany(d => Enumerable.Range(0, 4).Select(_ =>
            endpoint.Send(new CreateDocument(d.DocumentId, "race.csv"), x => x.MessageId = d.MessageId))));

        await host.Receives.WaitForReceives(documents.Count * 5, Timeout);
        await SampleDatabase.WaitUntil(_connectionString, async db => !await db.Set<OutboxMessage>().AnyAsync(), Timeout, "outbox_message empty");
        await Task.Delay(TimeSpan.FromSeconds(1)); // a copy sent twice would arrive by now
        foreach (var (documentId, messageId) in documents)
        {
            log.TimesConsumed(messageId).ShouldBe(1);
            log.TimesCreated(documentId).ShouldBe(1, "DocumentCreated was sent more than once");
        }

        host.Receives.ConsumeFaults.ShouldBeEmpty();
    }
}
