using SagaFiles.Transport.AmazonSqs.Topology;
using SagaFiles.Transport.AmazonSqs.Transport;

namespace SagaFiles.Transport.AmazonSqs.Configuration;

/// <summary>One receive endpoint: an SQS queue, what it subscribes to, and its consume pipe.</summary>
public sealed class AmazonSqsReceiveEndpointConfiguration : ReceiveEndpointConfiguration, IAmazonSqsReceiveEndpointConfigurator
{
    readonly AmazonSqsHostConfiguration _hostConfiguration;
    readonly AmazonSqsEndpointConfiguration _endpointConfiguration;

    public AmazonSqsReceiveEndpointConfiguration(AmazonSqsHostConfiguration hostConfiguration, AmazonSqsReceiveSettings settings,
        AmazonSqsEndpointConfiguration endpointConfiguration)
        : base(hostConfiguration, endpointConfiguration)
    {
        _hostConfiguration = hostConfiguration;
        _endpointConfiguration = endpointConfiguration;
        Settings = settings;

        InputAddress = AmazonSqsEndpointAddress.OnHost(hostConfiguration.HostAddress, settings.QueueName, false, settings.IsTemporary).ToUri();
        HostAddress = hostConfiguration.HostAddress;
    }

    public AmazonSqsReceiveSettings Settings { get; }

    public new AmazonSqsTopologyConfiguration Topology => _endpointConfiguration.Topology;

    public override Uri HostAddress { get; }

    public override Uri InputAddress { get; }

    public int VisibilityTimeout
    {
        set => Settings.VisibilityTimeout = value;
    }

    public int WaitTimeSeconds
    {
        set => Settings.WaitTimeSeconds = value;
    }

    public int MaxReceiveCount
    {
        set => Settings.MaxReceiveCount = value;
    }

    public IDictionary<string, string> QueueAttributes => Settings.QueueAttributes;

    public void Subscribe<T>()
        where T : class =>
        Topology.Consume.GetSqsMessageTopology<T>().Subscribe();

    public void Subscribe(string topicName) => Topology.Consume.Subscribe(topicName);

    public override ReceiveEndpointContext CreateReceiveEndpointContext() => CreateSqsReceiveEndpointContext();

    public void Build(IHost host)
    {
        var context = CreateSqsReceiveEndpointContext();
        var receiveEndpoint = new ReceiveEndpoint(new SqsReceiveTransport(context), context);
        host.AddReceiveEndpoint(Settings.EntityName, receiveEndpoint);
        ReceiveEndpoint = receiveEndpoint;
    }

    public override IEnumerable<ValidationResult> Validate()
    {
        foreach (var result in base.Validate())
            yield return result;
        if (AmazonSqsEntityNames.ValidateQueueName(Settings.EntityName) is { } problem)
            yield return this.Failure("QueueName", problem);
        if (Settings.WaitTimeSeconds is < 0 or > 20)
            yield return this.Failure("WaitTimeSeconds", "must be 0 to 20 seconds (SQS long polling)");
        if (Settings.VisibilityTimeout is < 0 or > 43_200)
            yield return this.Failure("VisibilityTimeout", "must be 0 to 43,200 seconds (12 hours)");
        if (Settings.MaxReceiveCount is < 1 or > 1000)
            yield return this.Failure("MaxReceiveCount", "must be 1 to 1,000 (SQS RedrivePolicy)");
    }

    SqsReceiveEndpointContext CreateSqsReceiveEndpointContext()
    {
        var builder = new AmazonSqsReceiveEndpointBuilder(this);
        ApplySpecifications(builder);
        var context = new SqsReceiveEndpointContext(_hostConfiguration, this);
        // Consume-side middleware (the delayed message scheduler among them) finds the bus topology here.
        context.GetOrAddPayload(() => _hostConfiguration.Topology);
        return context;
    }

    /// <summary>Subscribes the queue to the topic of each message type a consumer on this endpoint takes.</summary>
    sealed class AmazonSqsReceiveEndpointBuilder(AmazonSqsReceiveEndpointConfiguration configuration) : ReceiveEndpointBuilder(configuration)
    {
        public override ConnectHandle ConnectConsumePipe<T>(IPipe<ConsumeContext<T>> pipe, ConnectPipeOptions options)
        {
            if (configuration.ConfigureConsumeTopology && options.HasFlag(ConnectPipeOptions.ConfigureConsumeTopology))
            {
                var topology = configuration.Topology.Consume.GetSqsMessageTopology<T>();
                if (topology.ConfigureConsumeTopology)
                    topology.Subscribe();
            }

            return base.ConnectConsumePipe(pipe, options);
        }
    }
}
