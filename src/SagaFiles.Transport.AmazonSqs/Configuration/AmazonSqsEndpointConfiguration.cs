using SagaFiles.Transport.AmazonSqs.Topology;

namespace SagaFiles.Transport.AmazonSqs.Configuration;

/// <summary>Pipe, serialization and topology configuration of the bus or one of its endpoints.</summary>
public class AmazonSqsEndpointConfiguration : EndpointConfiguration
{
    protected AmazonSqsEndpointConfiguration(AmazonSqsTopologyConfiguration topology)
        : base(topology)
    {
        Topology = topology;
    }

    AmazonSqsEndpointConfiguration(AmazonSqsEndpointConfiguration parent, AmazonSqsTopologyConfiguration topology, bool isBusEndpoint)
        : base(parent, topology, isBusEndpoint)
    {
        Topology = topology;
    }

    public new AmazonSqsTopologyConfiguration Topology { get; }

    public AmazonSqsEndpointConfiguration CreateEndpointConfiguration(bool isBusEndpoint = false) =>
        new(this, new AmazonSqsTopologyConfiguration(Topology), isBusEndpoint);
}

/// <summary>The bus: its host, its own endpoint's configuration and its observers.</summary>
public sealed class AmazonSqsBusConfiguration : AmazonSqsEndpointConfiguration, IBusConfiguration
{
    readonly BusObservable _busObservers = new();

    public AmazonSqsBusConfiguration(AmazonSqsTopologyConfiguration topology)
        : base(topology)
    {
        HostConfiguration = new AmazonSqsHostConfiguration(this, topology);
        BusEndpointConfiguration = CreateEndpointConfiguration(true);
    }

    public AmazonSqsHostConfiguration HostConfiguration { get; }

    public AmazonSqsEndpointConfiguration BusEndpointConfiguration { get; }

    IHostConfiguration IBusConfiguration.HostConfiguration => HostConfiguration;

    IEndpointConfiguration IBusConfiguration.BusEndpointConfiguration => BusEndpointConfiguration;

    IBusObserver IBusConfiguration.BusObservers => _busObservers;

    public ConnectHandle ConnectBusObserver(IBusObserver observer) => _busObservers.Connect(observer);

    public ConnectHandle ConnectEndpointConfigurationObserver(IEndpointConfigurationObserver observer) =>
        HostConfiguration.ConnectEndpointConfigurationObserver(observer);
}
