namespace MassTransit;

public interface IAmazonSqsReceiveEndpointConfigurator : IReceiveEndpointConfigurator
{
    /// <summary>Seconds a received message stays invisible; renewed while a consumer still works on it.</summary>
    int VisibilityTimeout { set; }

    /// <summary>Long-polling wait, 0 to 20 seconds.</summary>
    int WaitTimeSeconds { set; }

    /// <summary>Receives before SQS dead-letters the message into <c>{queue}_dlq</c>.</summary>
    int MaxReceiveCount { set; }

    /// <summary>Extra SQS queue attributes (for example <c>MessageRetentionPeriod</c>).</summary>
    IDictionary<string, string> QueueAttributes { get; }

    /// <summary>Subscribes this queue to the topic of <typeparamref name="T" /> (done for consumed types unless consume topology is off).</summary>
    void Subscribe<T>()
        where T : class;

    /// <summary>Subscribes this queue to a topic by name.</summary>
    void Subscribe(string topicName);
}
