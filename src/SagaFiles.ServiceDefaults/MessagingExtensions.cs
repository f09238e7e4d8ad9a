using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SagaFiles.ServiceDefaults;

public static class MessagingExtensions
{
    /// <summary>
    /// The bus every SagaFiles host uses. This is the one place that names the transport: switching to
    /// MassTransit.AmazonSQS changes the package reference and the <c>UsingAmazonSqs</c> host block below (docs/adr/0001).
    /// </summary>
    public static IHostApplicationBuilder AddSagaFilesMessaging(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator> configure)
    {
        builder.Services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSagaFilesDeadLetterRedrive();
        builder.Services.AddBusReadiness();

        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            x.AddDelayedMessageScheduler();
            // MassTransit's own check (endpoints started) is folded into the "bus" readiness check, which also asks SQS.
            x.ConfigureHealthCheckOptions(o => o.Tags.Add("masstransit"));
            configure(x);

            x.UsingAmazonSqs((context, cfg) =>
            {
                var aws = context.GetRequiredService<IOptions<AwsOptions>>().Value;
                var messaging = context.GetRequiredService<IOptions<MessagingOptions>>().Value;
                cfg.Host(aws.Region, h =>
                {
                    if (aws.ServiceURL != null)
                        h.ServiceUrl(aws.ServiceURL);
                    if (!string.IsNullOrEmpty(aws.AccessKey) && !string.IsNullOrEmpty(aws.SecretKey))
                    {
                        h.AccessKey(aws.AccessKey);
                        h.SecretKey(aws.SecretKey);
                    }

                    h.Scope(messaging.Prefix);
                    h.MaxReceiveCount(messaging.MaxReceiveCount);
                    h.WaitTimeSeconds(messaging.ReceiveWaitSeconds);
                    h.FailedMessageRetention(messaging.FailedMessageRetention);
                    if (messaging.SqsServiceURL != null)
                        h.SqsServiceUrl(messaging.SqsServiceURL);
                    if (messaging.SnsServiceURL != null)
                        h.SnsServiceUrl(messaging.SnsServiceURL);
                    if (messaging.UseFipsEndpoints)
                        h.UseFipsEndpoints();
                    var batching = messaging.Batching.ToTransport();
                    h.Batching(b =>
                    {
                        b.Deletes = batching.Deletes;
                        b.Sends = batching.Sends;
                        b.Publishes = batching.Publishes;
                    });
                });
                cfg.UseDelayedMessageScheduler();
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
