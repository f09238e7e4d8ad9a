using SagaFiles.Persistence.Postgres.Migrations;

namespace SagaFiles.Persistence.Postgres.Tests;

[TestFixture]
public class Migration_Specs
{
    [Test]
    public async Task The_migration_hosted_service_creates_the_schema_before_the_bus_consumes()
    {
        var connectionString = await SampleDatabase.CreateAsync("migration", migrate: false);

        // registered after AddMassTransit on purpose: it still runs before the bus starts (IHostedLifecycleService.StartingAsync)
        await using var host = await TestHost.StartAsync(connectionString, x => x.AddCounterSaga(new CounterEndpointOptions(UseOutbox: true)),
            services => services.AddMigrationHostedService<SampleDbContext>());

        var counterId = NewId.NextGuid();
        await host.Bus.Publish(new CounterIncremented(counterId));
        await host.Receives.WaitForReceives(1, TimeSpan.FromSeconds(30));
        host.Receives.ConsumeFaults.ShouldBeEmpty();

        await using var db = SampleDatabase.Open(connectionString);
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        (await db.Counters.SingleAsync(x => x.CorrelationId == counterId)).Count.ShouldBe(1);
    }

    [Test]
    public void The_sample_migration_matches_the_model()
    {
        using var db = SampleDatabase.Open("Host=localhost;Database=unused");
        db.Database.HasPendingModelChanges().ShouldBeFalse("the model changed: run dotnet ef migrations add in tests/SagaFiles.Persistence.Postgres.Tests");
    }
}
