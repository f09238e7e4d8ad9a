using System.Net;
using System.Text.Json;

namespace SagaFiles.Sources.Buckets;

/// <summary>An object S3 reported created: its bucket and its version.</summary>
public sealed record CreatedObject(string Bucket, ObjectVersion Version);

/// <summary>
/// Reads the JSON S3 sends to an SQS queue for bucket event notifications: <c>{"Records": [...]}</c> with one record per
/// event (<c>eventName</c> <c>ObjectCreated:Put</c>, <c>:Post</c>, <c>:Copy</c>, <c>:CompleteMultipartUpload</c>, ...;
/// keys URL-encoded as in a form, a space as '+'), the <c>s3:TestEvent</c> S3 sends once when the notification is
/// configured (ignored), and either of them wrapped in an SNS notification (<c>{"Type": "Notification", "Message": "..."}</c>)
/// when S3 notifies a topic the queue subscribes to without raw delivery.
/// </summary>
public static class S3EventNotifications
{
    /// <summary>The objects created that the message reports; none for a test event or another kind of event.</summary>
    /// <exception cref="JsonException">The message is not such JSON.</exception>
    public static IReadOnlyList<CreatedObject> Read(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new JsonException("An S3 event notification is a JSON object.");
        if (root.TryGetProperty("Type", out var type) && type.GetString() == "Notification" && root.TryGetProperty("Message", out var message))
            return Read(message.GetString() ?? throw new JsonException("The SNS notification's Message is not a string."));
        if (!root.TryGetProperty("Records", out var records) || records.ValueKind != JsonValueKind.Array)
            return root.TryGetProperty("Event", out var @event) && @event.GetString() == "s3:TestEvent"
                ? []
                : throw new JsonException("Neither S3 event records nor an s3:TestEvent.");

        var created = new List<CreatedObject>();
        foreach (var record in records.EnumerateArray())
        {
            if (!(record.TryGetProperty("eventName", out var name) && name.GetString() is { } eventName &&
                  eventName.StartsWith("ObjectCreated:", StringComparison.Ordinal)))
                continue;
            var s3 = record.GetProperty("s3");
            var @object = s3.GetProperty("object");
            var key = WebUtility.UrlDecode(@object.GetProperty("key").GetString()!);
            created.Add(new CreatedObject(s3.GetProperty("bucket").GetProperty("name").GetString()!, new ObjectVersion(key,
                @object.TryGetProperty("eTag", out var etag) ? ObjectVersion.Bare(etag.GetString() ?? "") : "",
                @object.TryGetProperty("size", out var size) ? size.GetInt64() : 0,
                @object.TryGetProperty("versionId", out var version) && version.GetString() is { Length: > 0 } v ? v : null)));
        }

        return created;
    }
}
