using System.Globalization;

namespace SagaFiles.Transport.AmazonSqs.Sns;

/// <summary>
/// One SNS message attribute. <see cref="DataType" /> is String, Number or Binary, optionally with a custom suffix
/// ("String.json", "Number.int"). Exactly one of <see cref="StringValue" /> (String, Number) or
/// <see cref="BinaryValue" /> (Binary) is set; empty values are rejected before sending.
/// </summary>
public sealed record SnsMessageAttribute
{
    SnsMessageAttribute(string dataType, string? stringValue, ReadOnlyMemory<byte>? binaryValue)
    {
        DataType = dataType;
        StringValue = stringValue;
        BinaryValue = binaryValue;
    }

    public string DataType { get; }

    public string? StringValue { get; }

    public ReadOnlyMemory<byte>? BinaryValue { get; }

    public static SnsMessageAttribute String(string value, string? customType = null) =>
        new(WithCustomType("String", customType), value ?? throw new ArgumentNullException(nameof(value)), null);

    public static SnsMessageAttribute Number(string value, string? customType = null) =>
        new(WithCustomType("Number", customType), value ?? throw new ArgumentNullException(nameof(value)), null);

    public static SnsMessageAttribute Number(long value) => Number(value.ToString(CultureInfo.InvariantCulture));

    public static SnsMessageAttribute Number(decimal value) => Number(value.ToString(CultureInfo.InvariantCulture));

    public static SnsMessageAttribute Binary(ReadOnlyMemory<byte> value, string? customType = null) =>
        new(WithCustomType("Binary", customType), null, value);

    static string WithCustomType(string type, string? customType) => string.IsNullOrEmpty(customType) ? type : type + "." + customType;
}

/// <summary>A Publish request. <see cref="MessageGroupId" /> and <see cref="MessageDeduplicationId" /> are for FIFO topics.</summary>
public sealed record SnsPublishRequest(string TopicArn, string Message)
{
    public IReadOnlyDictionary<string, SnsMessageAttribute> MessageAttributes { get; init; } = new Dictionary<string, SnsMessageAttribute>();

    public string? Subject { get; init; }

    public string? MessageGroupId { get; init; }

    public string? MessageDeduplicationId { get; init; }
}

/// <summary>One entry of a PublishBatch; <see cref="Id" /> is unique in the batch, 1-80 of [A-Za-z0-9_-].</summary>
public sealed record SnsPublishBatchEntry(string Id, string Message)
{
    public IReadOnlyDictionary<string, SnsMessageAttribute> MessageAttributes { get; init; } = new Dictionary<string, SnsMessageAttribute>();

    public string? Subject { get; init; }

    public string? MessageGroupId { get; init; }

    public string? MessageDeduplicationId { get; init; }
}

public sealed record SnsPublishBatchSuccess(string Id, string MessageId, string? SequenceNumber);

public sealed record SnsPublishBatchFailure(string Id, string Code, string? Message, bool SenderFault);

/// <summary>The outcome of a PublishBatch: each entry is in exactly one of the two lists.</summary>
public sealed record SnsPublishBatchResult(IReadOnlyList<SnsPublishBatchSuccess> Successful, IReadOnlyList<SnsPublishBatchFailure> Failed);

public sealed record SnsSubscription(string SubscriptionArn, string TopicArn, string Protocol, string Endpoint, string? Owner);

/// <summary>One page of ListSubscriptionsByTopic; <see cref="NextToken" /> is null on the last page.</summary>
public sealed record SnsSubscriptionPage(IReadOnlyList<SnsSubscription> Subscriptions, string? NextToken);
