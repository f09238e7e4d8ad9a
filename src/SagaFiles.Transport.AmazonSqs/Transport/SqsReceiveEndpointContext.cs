using SagaFiles.Transport.AmazonSqs.Configuration;

namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>A receive endpoint's queue, its subscriptions and its send and publish transports.</summary>
public sealed class SqsReceiveEndpointContext : BaseReceiveEndpointContext
{
    readonly AmazonSqsHostConfiguration _hostConfiguration;
    readonly AmazonSqsReceiveEndpointConfiguration _configuration;
    readonly List<IAgent> _agents = [];

    public SqsReceiveEndpointContext(AmazonSqsHostConfiguration hostConfiguration, AmazonSqsReceiveEndpointConfiguration configuration)
        : base(hostConfiguration, configuration)
    {
        _hostConfiguration = hostConfiguration;
        _configuration = configuration;
    }

    public AmazonSqsClientContext Client => _hostConfiguration.Client;

    public TimeProvider TimeProvider => _hostConfiguration.TimeProvider;

    public AmazonSqsReceiveSettings Settings => _configuration.Settings;

    /// <summary>Agents added by middleware; they stop with the receive transport.</summary>
    public IReadOnlyList<IAgent> Agents => _agents;

    /// <summary>
    /// Creates the queue (with its dead-letter queue), the topics it consumes and their subscriptions, and gives existing
    /// error, skipped and dead-letter queues the failed-message retention; idempotent.
    /// </summary>
    public async Task<SqsQueue> ConfigureTopology(CancellationToken cancellationToken)
    {
        var settings = Settings;
        var queue = await Client.GetQueue(settings.EntityName, settings.QueueOptions, cancellationToken).ConfigureAwait(false);
        if (!settings.IsTemporary)
        {
            foreach (var failedMessages in new[]
                     {
                         AmazonSqsEntityNames.Error(settings.EntityName), AmazonSqsEntityNames.Skipped(settings.EntityName),
                         AmazonSqsEntityNames.DeadLetter(settings.EntityName)
                     })
                await Client.ApplyFailedMessageRetention(failedMessages, cancellationToken).ConfigureAwait(false);
        }

        var topics = _configuration.Topology.Consume.TopicNames.Select(topic => AmazonSqsEntityNames.Scoped(settings.Scope, topic)).ToList();
        await Client.Subscribe(queue, topics, cancellationToken).ConfigureAwait(false);
        return queue;
    }

    public override void AddSendAgent(IAgent agent) => _agents.Add(agent);

    public override void AddConsumeAgent(IAgent agent) => _agents.Add(agent);

    public override Exception ConvertException(Exception exception, string message) => new AmazonSqsTransportException(message, exception);

    protected override ISendTransportProvider CreateSendTransportProvider() => CreateTransportProvider();

    protected override IPublishTransportProvider CreatePublishTransportProvider() => CreateTransportProvider();

    SqsTransportProvider CreateTransportProvider() =>
        new(_hostConfiguration, this, Client, _configuration.Topology.Publish, TimeProvider);
}

/// <summary>The SQS/SNS transport could not do what was asked.</summary>
public sealed class AmazonSqsTransportException(string message, Exception? innerException = null) : MassTransitException(message, innerException);
