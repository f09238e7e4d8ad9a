using MassTransit.EntityFrameworkCoreIntegration;

namespace SagaFiles.Persistence.Postgres.Tests;

/// <summary>
/// The bus outbox (publishing outside a consumer, as an API request does) and its delivery service: messages commit with
/// the caller's data, survive a process that stops before sending them, and go out once even with competing services.
/// </summary>
[TestFixture]
public class BusOutbox_Specs
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    string _connectionString = null!;

    [SetUp]
    public async Task CreateDatabase() => _connectionString = await SampleDatabase.CreateAsync("bus_outbox");

    Task<TestHost> StartHost(DocumentLog log, bool deliveryService, bool consumer) =>
        TestHost.StartAsync(_connectionString, x =>
        {
            x.AddEntityFrameworkOutbox<SampleDbContext>(o =>
            {
                o.UsePostgres();
                o.QueryDelay = TimeSpan.FromMilliseconds(200);
                o.DisableInboxCleanupService();
                o.UseBusOutbox(b =>
                {
                    if (!deliveryService)
                        b.DisableDeliveryService();
                });
            });
            if (consumer)
                x.AddConsumer<DocumentCreatedConsumer, DocumentCreatedConsumerDefinition>();
        }, services =>
        {
            services.AddSingleton(log);
            services.AddDbContextFactory<SampleDbContext>(options => SampleDbContext.Configure(options, _connectionString), ServiceLifetime.Scoped);
        });

    /// <summary>What an API endpoint does: write, publish, SaveChangesAsync, in one request scope.</summary>
    static async Task CreateDocumentLikeAnApi(TestHost host, Guid documentId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SampleDbContext>();
        var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();

        db.Documents.Add(new Document { Id = documentId, Name = "upload.csv" });
        await publish.Publish(new DocumentCreated(documentId));
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Every message queued on the consumer's endpoint before this call has been consumed when it returns: the endpoint
    /// consumes one at a time in order, and the marker, sent directly (not through the outbox), is queued last.
    /// </summary>
    static async Task Drain(TestHost host, DocumentLog log)
    {
        var marker = NewId.NextGuid();
        await host.Bus.Publish(new DocumentCreated(marker));
        await log.WaitForCreated(marker, Timeout);
    }

    [Test]
    public async Task A_message_published_outside_a_consumer_is_delivered_after_commit()
    {
        var log = new DocumentLog();
        await using var host = await StartHost(log, deliveryService: true, consumer: true);
        var documentId = NewId.NextGuid();

        await CreateDocumentLikeAnApi(host, documentId);

        (await log.WaitForCreated(documentId, Timeout)).ShouldBeTrue("delivered before the document was committed");
        await SampleDatabase.WaitUntil(_connectionString, async db => !await db.Set<OutboxState>().AnyAsync(), Timeout, "outbox delivered and removed");
        await Drain(host, log);
        log.TimesCreated(documentId).ShouldBe(1);
    }

    [Test]
    public async Task Nothing_is_written_or_sent_when_SaveChanges_is_never_called()
    {
        var log = new DocumentLog();
        await using var host = await StartHost(log, deliveryService: true, consumer: true);
        var documentId = NewId.NextGuid();

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
            await publish.Publish(new DocumentCreated(documentId));
            // the request fails before SaveChangesAsync
        }

        await Drain(host, log);
        log.TimesCreated(documentId).ShouldBe(0);
        await using var db = SampleDatabase.Open(_connectionString);
        (await db.Set<OutboxMessage>().AnyAsync()).ShouldBeFalse();
    }

    [Test]
    public async Task A_committed_message_left_by_a_stopped_process_is_delivered_once_by_the_next()
    {
        var log = new DocumentLog();
        var documentId = NewId.NextGuid();

        // process 1 commits and stops before any delivery (its delivery service never runs)
        await using (var first = await StartHost(log, deliveryService: false, consumer: false))
            await CreateDocumentLikeAnApi(first, documentId);

        await using (var db = SampleDatabase.Open(_connectionString))
            (await db.Set<OutboxMessage>().CountAsync()).ShouldBe(1, "the committed message should wait in the outbox");
        log.TimesCreated(documentId).ShouldBe(0);

        // process 2 starts and delivers it
        await using var second = await StartHost(log, deliveryService: true, consumer: true);
        (await log.WaitForCreated(documentId, Timeout)).ShouldBeTrue();

        await SampleDatabase.WaitUntil(_connectionString, async db => !await db.Set<OutboxState>().AnyAsync() && !await db.Set<OutboxMessage>().AnyAsync(),
            Timeout, "outbox emptied");
        await Drain(second, log);
        log.TimesCreated(documentId).ShouldBe(1);
    }

    [Test]
    public async Task Competing_delivery_services_deliver_each_message_once()
    {
        const int messages = 40;
        var log = new DocumentLog();
        var documentIds = Enumerable.Range(0, messages).Select(_ => NewId.NextGuid()).ToList();

        await using (var writer = await StartHost(log, deliveryService: false, consumer: false))
        {
            foreach (var documentId in documentIds)
                await CreateDocumentLikeAnApi(writer, documentId); // one outbox per SaveChanges
        }

        // two hosts (two buses, two delivery services) on the same tables, each delivering to its own consumer
        await using var a = await StartHost(log, deliveryService: true, consumer: true);
        await using var b = await StartHost(log, deliveryService: true, consumer: true);

        await Task.WhenAll(documentIds.Select(id => log.WaitForCreated(id, Timeout)));
        await SampleDatabase.WaitUntil(_connectionString, async db => !await db.Set<OutboxState>().AnyAsync() && !await db.Set<OutboxMessage>().AnyAsync(),
            Timeout, "outbox emptied");
        await Drain(a, log);
        await Drain(b, log);

        documentIds.ShouldAllBe(id => log.TimesCreated(id) == 1);
        await TestContext.Out.WriteLineAsync($"host a received {a.Receives.Receives - 1}, host b {b.Receives.Receives - 1} of {messages}");
    }
}
