using SagaFiles.Transport.AmazonSqs.Topology;

namespace SagaFiles.Transport.AmazonSqs.Configuration;

/// <summary>Builds the bus from the container's registrations (consumers, sagas, definitions).</summary>
public sealed class AmazonSqsRegistrationBusFactory : TransportRegistrationBusFactory<IAmazonSqsReceiveEndpointConfigurator>
{
    readonly AmazonSqsBusConfiguration _busConfiguration;
    readonly Action<IBusRegistrationContext, IAmazonSqsBusFactoryConfigurator>? _configure;

    public AmazonSqsRegistrationBusFactory(Action<IBusRegistrationContext, IAmazonSqsBusFactoryConfigurator>? configure)
        : this(new AmazonSqsBusConfiguration(new AmazonSqsTopologyConfiguration(AmazonSqsTopologyConfiguration.CreateMessageTopology())), configure)
    {
    }

    AmazonSqsRegistrationBusFactory(AmazonSqsBusConfiguration busConfiguration,
        Action<IBusRegistrationContext, IAmazonSqsBusFactoryConfigurator>? configure)
        : base(busConfiguration.HostConfiguration)
    {
        _busConfiguration = busConfiguration;
        _configure = configure;
    }

    public override IBusInstance CreateBus(IBusRegistrationContext context, IEnumerable<IBusInstanceSpecification> specifications, string busName)
    {
        var configurator = new AmazonSqsBusFactoryConfigurator(_busConfiguration);
        return CreateBus(configurator, context, _configure, specifications);
    }
}
