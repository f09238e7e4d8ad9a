using SagaFiles.Transport.AmazonSqs.Topology;

namespace SagaFiles.Transport.AmazonSqs.Configuration;

public sealed class AmazonSqsBusFactoryConfigurator : BusFactoryConfigurator, IAmazonSqsBusFactoryConfigurator, IBusFactory
{
    readonly AmazonSqsBusConfiguration _busConfiguration;
    readonly AmazonSqsHostConfiguration _hostConfiguration;

    public AmazonSqsBusFactoryConfigurator(AmazonSqsBusConfiguration busConfiguration)
        : base(busConfiguration)
    {
        _busConfiguration = busConfiguration;
        _hostConfiguration = busConfiguration.HostConfiguration;
        busConfiguration.BusEndpointConfiguration.Consume.Configurator.AutoStart = true;
        busConfiguration.ConnectBusObserver(new BusLifecycle(_hostConfiguration));
    }

    public new AmazonSqsPublishTopology PublishTopology => _busConfiguration.Topology.Publish;

    public void Host(string region, Action<IAmazonSqsHostConfigurator>? configure = null)
    {
        var settings = new AmazonSqsHostSettings { Region = region };
        configure?.Invoke(settings);
        Host(settings);
    }

    public void Host(AmazonSqsHostSettings settings) => _hostConfiguration.Settings = settings;

    public void DeclareSubscription<T>(string queueName)
        where T : class =>
        _hostConfiguration.DeclaredSubscriptions.Add((queueName, _busConfiguration.Topology.Publish.GetTopicName<T>()));

    /// <summary>The bus's own temporary queue, for responses: unique per process, deleted when the bus stops.</summary>
    public IReceiveEndpointConfiguration CreateBusEndpointConfiguration(Action<IReceiveEndpointConfigurator> configure)
    {
        var room = AmazonSqsEntityNames.MaxQueueNameLength - AmazonSqsEntityNames.LongestQueueSuffix
            - (string.IsNullOrEmpty(_hostConfiguration.Settings.Scope) ? 0 : _hostConfiguration.Settings.Scope.Length + 1);
        var name = AmazonSqsEntityNames.Sanitize(_busConfiguration.Topology.Consume.CreateTemporaryQueueName("bus"));
        if (name.Length > room)
            name = name[^room..];
        return _hostConfiguration.CreateReceiveEndpointConfiguration(name, _busConfiguration.BusEndpointConfiguration, configure, temporary: true);
    }

    public void ReceiveEndpoint(IEndpointDefinition definition, IEndpointNameFormatter? endpointNameFormatter,
        Action<IAmazonSqsReceiveEndpointConfigurator>? configureEndpoint = null) =>
        _hostConfiguration.ReceiveEndpoint(definition, endpointNameFormatter, configureEndpoint);

    public void ReceiveEndpoint(IEndpointDefinition definition, IEndpointNameFormatter? endpointNameFormatter,
        Action<IReceiveEndpointConfigurator>? configureEndpoint = null) =>
        _hostConfiguration.ReceiveEndpoint(definition, endpointNameFormatter, configureEndpoint);

    public void ReceiveEndpoint(string queueName, Action<IAmazonSqsReceiveEndpointConfigurator> configureEndpoint) =>
        _hostConfiguration.ReceiveEndpoint(queueName, configureEndpoint);

    public void ReceiveEndpoint(string queueName, Action<IReceiveEndpointConfigurator> configureEndpoint) =>
        _hostConfiguration.ReceiveEndpoint(queueName, configureEndpoint);

    /// <summary>Declares queues and subscriptions before the bus starts; flushes deletes and releases clients after it stops.</summary>
    sealed class BusLifecycle(AmazonSqsHostConfiguration hostConfiguration) : IBusObserver
    {
        public void PostCreate(IBus bus)
        {
        }

        public void CreateFaulted(Exception exception)
        {
        }

        public Task PreStart(IBus bus) => hostConfiguration.DeclareSubscriptionsAsync(CancellationToken.None);

        public Task PostStart(IBus bus, Task<BusReady> busReady) => Task.CompletedTask;

        public Task StartFaulted(IBus bus, Exception exception) => Task.CompletedTask;

        public Task PreStop(IBus bus) => Task.CompletedTask;

        public Task PostStop(IBus bus) => hostConfiguration.DisposeClientAsync();

        public Task StopFaulted(IBus bus, Exception exception) => hostConfiguration.DisposeClientAsync();
    }
}
