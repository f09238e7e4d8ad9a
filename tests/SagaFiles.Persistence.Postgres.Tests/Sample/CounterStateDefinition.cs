using MassTransit;

namespace SagaFiles.Persistence.Postgres.Tests.Sample;

/// <summary>Many handlers at once on one instance, retried on conflicts; behind the inbox/outbox when the host asks for it.</summary>
public class CounterStateDefinition : SagaDefinition<CounterState>
{
    readonly CounterEndpointOptions _options;

    public CounterStateDefinition(CounterEndpointOptions options)
    {
        _options = options;
        ConcurrentMessageLimit = options.ConcurrentMessageLimit;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<CounterState> sagaConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseSagaConcurrencyRetry();
        if (_options.UseOutbox)
            endpointConfigurator.UseEntityFrameworkOutbox<SampleDbContext>(context);
    }
}

public sealed record CounterEndpointOptions(bool UseOutbox, int ConcurrentMessageLimit = 16);
