namespace SagaFiles.Transport.AmazonSqs.Configuration;

/// <summary>The running bus's host: receive endpoints added at start-up and connected later.</summary>
public sealed class AmazonSqsHost(AmazonSqsHostConfiguration hostConfiguration, IBusTopology busTopology)
    : BaseHost(hostConfiguration, busTopology), IHost<IAmazonSqsReceiveEndpointConfigurator>
{
    public override HostReceiveEndpointHandle ConnectReceiveEndpoint(IEndpointDefinition definition, IEndpointNameFormatter? endpointNameFormatter,
        Action<IReceiveEndpointConfigurator>? configureEndpoint = null) =>
        ConnectReceiveEndpoint(definition, endpointNameFormatter, (IAmazonSqsReceiveEndpointConfigurator c) => configureEndpoint?.Invoke(c));

    public HostReceiveEndpointHandle ConnectReceiveEndpoint(IEndpointDefinition definition, IEndpointNameFormatter? endpointNameFormatter,
        Action<IAmazonSqsReceiveEndpointConfigurator>? configureEndpoint = null)
    {
        var queueName = definition.GetEndpointName(endpointNameFormatter ?? DefaultEndpointNameFormatter.Instance);
        return ConnectReceiveEndpoint(queueName, configurator =>
        {
            hostConfiguration.ApplyDefinition(configurator, definition);
            configureEndpoint?.Invoke(configurator);
        });
    }

    public override HostReceiveEndpointHandle ConnectReceiveEndpoint(string queueName, Action<IReceiveEndpointConfigurator>? configureEndpoint = null) =>
        ConnectReceiveEndpoint(queueName, (IAmazonSqsReceiveEndpointConfigurator c) => configureEndpoint?.Invoke(c));

    public HostReceiveEndpointHandle ConnectReceiveEndpoint(string queueName, Action<IAmazonSqsReceiveEndpointConfigurator>? configure = null)
    {
        LogContext.SetCurrentIfNull(hostConfiguration.LogContext);
        var configuration = hostConfiguration.CreateReceiveEndpointConfiguration(queueName,
            ((AmazonSqsBusConfiguration)hostConfiguration.BusConfiguration).CreateEndpointConfiguration(), configure);
        configuration.Validate().ThrowIfContainsFailure("The receive endpoint configuration is invalid:");
        configuration.Build(this);
        return ReceiveEndpoints.Start(configuration.Settings.EntityName);
    }

    protected override void Probe(ProbeContext context)
    {
        context.Add("type", "AmazonSQS");
        context.Add("region", hostConfiguration.Settings.Region);
        context.Add("serviceUrl", hostConfiguration.Settings.ServiceUrl?.ToString() ?? "aws");
    }
}
