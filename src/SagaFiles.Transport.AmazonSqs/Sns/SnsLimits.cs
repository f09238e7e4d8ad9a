using System.Text;
using System.Text.RegularExpressions;

namespace SagaFiles.Transport.AmazonSqs.Sns;

/// <summary>SNS service limits, checked client-side so a bad request fails fast with a clear message.</summary>
public static partial class SnsLimits
{
    /// <summary>256 KiB: the message plus its attributes' names, types and values, in UTF-8 bytes.</summary>
    public const int MaxPayloadBytes = 262_144;

    public const int MaxMessageAttributes = 10;

    public const int MaxTopicNameLength = 256;

    public const int MaxBatchEntries = 10;

    public const int MaxAttributeNameLength = 256;

    public static void ValidateTopicName(string name)
    {
        if (string.IsNullOrEmpty(name))
            throw new AmazonSnsValidationException("A topic name must not be empty.", nameof(name));
        if (name.Length > MaxTopicNameLength)
            throw new AmazonSnsValidationException(
                $"Topic name '{name[..32]}...' is {name.Length} characters long; SNS allows at most {MaxTopicNameLength} (including a .fifo suffix).",
                nameof(name));
        var bare = name.EndsWith(".fifo", StringComparison.Ordinal) ? name[..^5] : name;
        if (!TopicNameRegex().IsMatch(bare))
            throw new AmazonSnsValidationException(
                $"Topic name '{name}' is invalid: only A-Z, a-z, 0-9, '_' and '-' are allowed (plus a '.fifo' suffix for FIFO topics).",
                nameof(name));
    }

    /// <summary>Checks the attributes and the total size of message plus attributes; returns that size in bytes.</summary>
    public static int ValidateMessage(string message, IReadOnlyDictionary<string, SnsMessageAttribute> attributes, string paramName = "message")
    {
        ArgumentNullException.ThrowIfNull(message, paramName);
        ArgumentNullException.ThrowIfNull(attributes);
        if (message.Length == 0)
            throw new AmazonSnsValidationException("SNS does not accept an empty message.", paramName);
        if (attributes.Count > MaxMessageAttributes)
            throw new AmazonSnsValidationException(
                $"{attributes.Count} message attributes given; SNS allows at most {MaxMessageAttributes} (and raw delivery to SQS drops messages with more).",
                nameof(attributes));

        var size = Encoding.UTF8.GetByteCount(message);
        foreach (var (name, attribute) in attributes)
        {
            ValidateAttribute(name, attribute);
            size += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(attribute.DataType) +
                (attribute.StringValue != null ? Encoding.UTF8.GetByteCount(attribute.StringValue) : attribute.BinaryValue!.Value.Length);
        }

        if (size > MaxPayloadBytes)
            throw new AmazonSnsValidationException(
                $"The message is {size} bytes (UTF-8 body plus attributes); SNS allows at most {MaxPayloadBytes} (256 KiB). Carry large data by reference (e.g. an S3 key).",
                paramName);
        return size;
    }

    static void ValidateAttribute(string name, SnsMessageAttribute attribute)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxAttributeNameLength || !AttributeNameRegex().IsMatch(name) ||
            name.StartsWith('.') || name.EndsWith('.') || name.Contains("..", StringComparison.Ordinal))
            throw new AmazonSnsValidationException(
                $"Message attribute name '{name}' is invalid: 1-{MaxAttributeNameLength} of A-Z, a-z, 0-9, '_', '-', '.', no leading, trailing or double '.'.",
                nameof(name));
        if (name.StartsWith("AWS.", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Amazon.", StringComparison.OrdinalIgnoreCase))
            throw new AmazonSnsValidationException($"Message attribute name '{name}' uses a prefix reserved by AWS.", nameof(name));
        ArgumentNullException.ThrowIfNull(attribute);

        var baseType = attribute.DataType.Split('.', 2)[0];
        switch (baseType)
        {
            case "String" or "Number" when string.IsNullOrEmpty(attribute.StringValue):
            case "Binary" when attribute.BinaryValue is not { Length: > 0 }:
                throw new AmazonSnsValidationException($"Message attribute '{name}' has an empty value; SNS and SQS reject empty attribute values.",
                    nameof(attribute));
            case "Number" when !NumberRegex().IsMatch(attribute.StringValue!):
                throw new AmazonSnsValidationException($"Message attribute '{name}' is a Number but '{attribute.StringValue}' is not a number.",
                    nameof(attribute));
            case "String" or "Number" or "Binary":
                break;
            default:
                throw new AmazonSnsValidationException($"Message attribute '{name}' has data type '{attribute.DataType}'; use String, Number or Binary.",
                    nameof(attribute));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex TopicNameRegex();

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex AttributeNameRegex();

    [GeneratedRegex(@"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")]
    private static partial Regex NumberRegex();
}
