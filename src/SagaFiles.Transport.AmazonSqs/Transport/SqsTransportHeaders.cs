using System.Globalization;
using System.Text;
using System.Text.Json;
using MassTransit;

namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>
/// How MassTransit headers travel on SQS and SNS: the content type in a <c>Content-Type</c> attribute and every other
/// header in one JSON attribute, <c>MT-Headers</c>. Two attributes stay far below SQS's limit of ten per message, which
/// SNS raw delivery enforces by silently dropping messages that exceed it.
/// </summary>
public static class SqsTransportHeaders
{
    public const string ContentTypeAttribute = "Content-Type";
    public const string HeadersAttribute = "MT-Headers";

    /// <summary>UTC time before which a received message is delayed again rather than consumed (delays over SQS's 15 minutes).</summary>
    public const string DeliverAt = "MT-Sqs-Deliver-At";

    /// <summary>SQS and SNS refuse a message whose body and attributes exceed 256 KiB.</summary>
    public const int MaxMessageBytes = 262_144;

    /// <summary>The attributes for a message: name to string value; empty values are never sent (SQS rejects them).</summary>
    public static Dictionary<string, string> ToAttributes(string? contentType, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(contentType))
            attributes[ContentTypeAttribute] = contentType;

        var values = headers.Where(h => !string.IsNullOrEmpty(h.Value)).ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        if (values.Count > 0)
            attributes[HeadersAttribute] = JsonSerializer.Serialize(values);
        return attributes;
    }

    /// <summary>Reads the headers back from attributes written by <see cref="ToAttributes" />.</summary>
    public static Dictionary<string, string> FromAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in attributes)
        {
            if (name == HeadersAttribute)
            {
                foreach (var (key, headerValue) in JsonSerializer.Deserialize<Dictionary<string, string>>(value) ?? [])
                    headers[key] = headerValue;
            }
            else
                headers[name] = value;
        }

        return headers;
    }

    /// <summary>MassTransit header values as strings, the way its other transports write them.</summary>
    public static IEnumerable<KeyValuePair<string, string>> AsStrings(IEnumerable<KeyValuePair<string, object>> headers)
    {
        foreach (var (key, value) in headers)
        {
            var text = value switch
            {
                null => null,
                string s => s,
                DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
                DateTime d => d.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                Uri u => u.ToString(),
                bool b => b ? bool.TrueString : null,
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString()
            };
            if (!string.IsNullOrEmpty(text))
                yield return new KeyValuePair<string, string>(key, text);
        }
    }

    /// <summary>Throws a clear error when the message would exceed what SQS and SNS accept.</summary>
    /// <summary>A message's size as SQS and SNS count it: the UTF-8 body and each attribute's name, type and value.</summary>
    public static int Size(string body, IReadOnlyDictionary<string, string> attributes) =>
        Encoding.UTF8.GetByteCount(body) + attributes.Sum(a => Encoding.UTF8.GetByteCount(a.Key) + Encoding.UTF8.GetByteCount(a.Value) + "String".Length);

    public static void EnsureWithinSizeLimit(string body, IReadOnlyDictionary<string, string> attributes, string destination, Guid? messageId)
    {
        var size = Size(body, attributes);
        if (size > MaxMessageBytes)
        {
            throw new MessageTooLargeException(
                $"Message {messageId} to '{destination}' is {size:N0} bytes with its headers; Amazon SQS and SNS accept at most "
                + $"{MaxMessageBytes:N0}. Send large content by reference (for example an S3 key) instead.");
        }
    }
}

/// <summary>A message is larger than SQS or SNS accept.</summary>
public sealed class MessageTooLargeException(string message) : MassTransitException(message);
