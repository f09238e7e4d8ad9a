using SagaFiles.Transport.AmazonSqs.Topology;
using SagaFiles.Transport.AmazonSqs.Transport;

namespace SagaFiles.Transport.AmazonSqs.Configuration;

/// <summary>The bus's connection to SQS and SNS and the receive endpoints it hosts.</summary>
public sealed class AmazonSqsHostConfiguration
    : BaseHostConfiguration<AmazonSqsReceiveEndpointConfiguration, IAmazonSqsReceiveEndpointConfigurator>
{
    readonly AmazonSqsBusConfiguration _busConfiguration;
    readonly AmazonSqsTopologyConfiguration _topologyConfiguration;
    readonly Lazy<AmazonSqsClientContext> _client;
    readonly Lazy<BusTopology> _topology;

    public AmazonSqsHostConfiguration(AmazonSqsBusConfiguration busConfiguration, AmazonSqsTopologyConfiguration topologyConfiguration)
        : base(busConfiguration)
    {
        _busConfiguration = busConfiguration;
        _topologyConfiguration = topologyConfiguration;
        _client = new Lazy<AmazonSqsClientContext>(() =>
            new AmazonSqsClientContext(Settings.CreateSqsClient(), Settings.CreateSnsClient(), Settings));
        _topology = new Lazy<BusTopology>(() => new AmazonSqsBusTopology(this, _topologyConfiguration));
        ReceiveTransportRetryPolicy = Retry.CreatePolicy(x => x.Exponential(1000, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30),
            TimeSpan.FromSeconds(2)));
    }

    public AmazonSqsHostSettings Settings { get; set; } = new();

    /// <summary>Time source for delays and visibility renewal; replaceable in tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public AmazonSqsClientContext Client => _client.Value;

    /// <summary>Queues (by endpoint name) to subscribe to topics when the bus starts, without consuming from them.</summary>
    public List<(string QueueName, string TopicName)> DeclaredSubscriptions { get; } = [];

    public async Task DeclareSubscriptionsAsync(CancellationToken cancellationToken)
    {
        foreach (var (queueName, topicName) in DeclaredSubscriptions)
        {
            var queue = await Client.GetQueue(AmazonSqsEntityNames.Scoped(Settings.Scope, queueName), Client.DefaultQueueOptions, cancellationToken)
                .ConfigureAwait(false);
            await Client.Subscribe(queue, [AmazonSqsEntityNames.Scoped(Settings.Scope, topicName)], cancellationToken).ConfigureAwait(false);
        }
    }

    public override Uri HostAddress => Settings.HostAddress;

    public override IBusTopology Topology => _topology.Value;

    public override IRetryPolicy ReceiveTransportRetryPolicy { get; }

    public AmazonSqsReceiveEndpointConfiguration CreateReceiveEndpointConfiguration(string queueName, AmazonSqsEndpointConfiguration endpoint,
        Action<IAmazonSqsReceiveEndpointConfigurator>? configure, bool temporary = false)
    {
        if (string.IsNullOrWhiteSpace(queueName))
            throw new ArgumentException("A receive endpoint needs a queue name.", nameof(queueName));

        var settings = new AmazonSqsReceiveSettings(Settings.Scope, queueName, Settings.DefaultMaxReceiveCount, Settings.DefaultWaitTimeSeconds)
        {
            IsTemporary = temporary
        };
        var configuration = new AmazonSqsReceiveEndpointConfiguration(this, settings, endpoint);
        configure?.Invoke(configuration);
        Observers.EndpointConfigured(configuration);
        Add(configuration);
        return configuration;
    }

    public override IReceiveEndpointConfiguration CreateReceiveEndpointConfiguration(string queueName, Action<IReceiveEndpointConfigurator>? configure) =>
        CreateReceiveEndpointConfiguration(queueName, _busConfiguration.CreateEndpointConfiguration(), configure);

    public override void ReceiveEndpoint(string queueName, Action<IAmazonSqsReceiveEndpointConfigurator> configureEndpoint) =>
        CreateReceiveEndpointConfiguration(queueName, _busConfiguration.CreateEndpointConfiguration(), configureEndpoint);

    public override void ReceiveEndpoint(IEndpointDefinition definition, IEndpointNameFormatter? endpointNameFormatter,
        Action<IAmazonSqsReceiveEndpointConfigurator>? configureEndpoint = null)
    {
        var queueName = definition.GetEndpointName(endpointNameFormatter ?? DefaultEndpointNameFormatter.Instance);
        ReceiveEndpoint(queueName, configurator =>
        {
            ApplyEndpointDefinition(configurator, definition);
            configureEndpoint?.Invoke(configurator);
        });
    }

    public void ApplyDefinition(IAmazonSqsReceiveEndpointConfigurator configurator, IEndpointDefinition definition) =>
        ApplyEndpointDefinition(configurator, definition);

    public override IHost Build()
    {
        var host = new AmazonSqsHost(this, _topology.Value);
        foreach (var endpoint in GetConfiguredEndpoints())
            endpoint.Build(host);
        return host;
    }

    public override IEnumerable<ValidationResult> Validate()
    {
        foreach (var result in base.Validate().Concat(_topologyConfiguration.Validate()))
            yield return result;
        if (Settings.FailedMessageRetention < TimeSpan.FromSeconds(60) || Settings.FailedMessageRetention > AmazonSqsHostSettings.MaxRetention)
            yield return this.Failure("FailedMessageRetention", "must be 60 seconds to 14 days (SQS MessageRetentionPeriod)");
        foreach (var problem in Settings.Batching.Problems())
            yield return this.Failure("Batching", problem);
    }

    sealed class AmazonSqsBusTopology(IHostConfiguration hostConfiguration, ITopologyConfiguration configuration)
        : BusTopology(hostConfiguration, configuration);

    /// <summary>Flushes pending deletes and releases the clients when the bus stops.</summary>
    public async Task DisposeClientAsync()
    {
        if (_client.IsValueCreated)
            await _client.Value.DisposeAsync().ConfigureAwait(false);
    }
}
