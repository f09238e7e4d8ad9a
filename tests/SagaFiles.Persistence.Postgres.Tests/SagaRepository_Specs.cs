using MassTransit.Saga;

namespace SagaFiles.Persistence.Postgres.Tests;

[TestFixture]
public class SagaRepository_Specs
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    string _connectionString = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _connectionString = await SampleDatabase.CreateAsync("saga_repository");

    [TestCase(false, TestName = "Thirty_concurrent_events_for_one_instance_all_count")]
    [TestCase(true, TestName = "Thirty_concurrent_events_for_one_instance_all_count_behind_the_outbox")]
    public async Task Thirty_concurrent_events_for_one_instance_all_count(bool useOutbox)
    {
        await using var host = await TestHost.StartAsync(_connectionString, x => x.AddCounterSaga(new CounterEndpointOptions(useOutbox)));
        var counterId = NewId.NextGuid();

        await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => host.Bus.Publish(new CounterIncremented(counterId))));
        await host.Receives.WaitForReceives(30, Timeout);
        host.Receives.ConsumeFaults.ShouldBeEmpty();

        await using var db = SampleDatabase.Open(_connectionString);
        var counter = await db.Counters.AsNoTracking().SingleAsync(x => x.CorrelationId == counterId);
        counter.Count.ShouldBe(30);
        counter.CurrentState.ShouldBe(nameof(CounterStateMachine.Counting));
        host.Services.GetRequiredService<ContentionProbe>().Retries.ShouldBeGreaterThan(0, "no delivery lost a race: the test produced no contention");
    }

    [Test]
    public async Task Instances_can_be_found_and_loaded_through_the_query_repository()
    {
        await using var host = await TestHost.StartAsync(_connectionString, x => x.AddCounterSaga(new CounterEndpointOptions(false)));
        var counterId = NewId.NextGuid();
        await host.Bus.Publish(new CounterIncremented(counterId));
        await host.Bus.Publish(new CounterIncremented(counterId));
        await host.Receives.WaitForReceives(2, Timeout);

        var query = host.Services.GetRequiredService<IQuerySagaRepository<CounterState>>();
        var found = await query.Find(new SagaQuery<CounterState>(x => x.CorrelationId == counterId && x.Count == 2));
        found.ShouldBe([counterId]);

        var load = host.Services.GetRequiredService<ILoadSagaRepository<CounterState>>();
        var loaded = await load.Load(counterId);
        loaded.ShouldNotBeNull().Count.ShouldBe(2);
        (await load.Load(NewId.NextGuid())).ShouldBeNull();
    }

    [Test]
    public async Task A_stale_update_is_rejected_by_xmin()
    {
        var counterId = NewId.NextGuid();
        await using (var setup = SampleDatabase.Open(_connectionString))
        {
            setup.Counters.Add(new CounterState { CorrelationId = counterId, CurrentState = "Counting", Count = 1 });
            await setup.SaveChangesAsync();
        }

        await using var first = SampleDatabase.Open(_connectionString);
        await using var second = SampleDatabase.Open(_connectionString);
        var a = await first.Counters.SingleAsync(x => x.CorrelationId == counterId);
        var b = await second.Counters.SingleAsync(x => x.CorrelationId == counterId);

        a.Count++;
        await first.SaveChangesAsync();

        b.Count++;
        var conflict = await Should.ThrowAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        PostgresConcurrency.IsRetryable(conflict).ShouldBeTrue();
    }
}
