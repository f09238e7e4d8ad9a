using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace SagaFiles.Persistence.Postgres.Tests.Sample;

/// <summary>The registration a host would write for the counter saga, on the in-memory transport.</summary>
public static class SampleServices
{
    public static IServiceCollection AddSampleDbContext(this IServiceCollection services, string connectionString) =>
        services.AddDbContext<SampleDbContext>(options => SampleDbContext.Configure(options, connectionString));

    public static void AddCounterSaga(this IBusRegistrationConfigurator x, CounterEndpointOptions options)
    {
        x.AddSingleton<ContentionProbe>();
        x.AddSingleton(options);

        x.AddSagaStateMachine<CounterStateMachine, CounterState, CounterStateDefinition>()
            .EntityFrameworkRepository(r =>
            {
                r.ConcurrencyMode = ConcurrencyMode.Optimistic;
                r.ExistingDbContext<SampleDbContext>();
                r.UsePostgres();
            });

        if (options.UseOutbox)
        {
            x.AddEntityFrameworkOutbox<SampleDbContext>(o =>
            {
                o.UsePostgres();
                o.DisableInboxCleanupService();
            });
        }
    }
}
