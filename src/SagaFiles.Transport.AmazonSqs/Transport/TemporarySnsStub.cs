// TEMPORARY stand-in so the transport compiles until src/SagaFiles.Transport.AmazonSqs/Sns/ lands; delete this file then.
namespace SagaFiles.Transport.AmazonSqs.Sns;

public interface IAmazonSnsClient
{
    Task<string> CreateTopicAsync(string name, CancellationToken cancellationToken);
    Task<string> SubscribeQueueAsync(string topicArn, string queueArn, CancellationToken cancellationToken);
    Task<string> PublishAsync(string topicArn, string message, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken);
}

public static class AmazonSnsClient
{
    public static IAmazonSnsClient Create(AmazonSqsHostSettings settings) => throw new NotImplementedException();
}
