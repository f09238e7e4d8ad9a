using System.Text.Json;

namespace SagaFiles.Testing;

/// <summary>
/// The JSON S3 sends to an SQS queue for bucket event notifications, shaped as AWS documents it ("Event message
/// structure"), for emulators without bucket notifications (fauxqs): tests send it to the queue themselves.
/// </summary>
public static class S3EventJson
{
    /// <summary>An <c>ObjectCreated:Put</c> (or <paramref name="eventName" />) message with one record per object.</summary>
    public static string ObjectCreated(string bucket, IEnumerable<(string Key, string ETag, long Size)> objects, string eventName = "ObjectCreated:Put",
        string region = "us-east-1") =>
        JsonSerializer.Serialize(new
        {
            Records = objects.Select(o => new
            {
                eventVersion = "2.1", eventSource = "aws:s3", awsRegion = region, eventTime = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
                eventName, userIdentity = new { principalId = "AWS:AIDAEXAMPLE" }, requestParameters = new { sourceIPAddress = "127.0.0.1" },
                responseElements = new Dictionary<string, string> { ["x-amz-request-id"] = "C3D13FE58DE4C810", ["x-amz-id-2"] = "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S" },
                s3 = new
                {
                    s3SchemaVersion = "1.0", configurationId = "sagafiles",
                    bucket = new { name = bucket, ownerIdentity = new { principalId = "A3NL1KOZZKEXAMPLE" }, arn = $"arn:aws:s3:::{bucket}" },
                    @object = new { key = EncodeKey(o.Key), size = o.Size, eTag = o.ETag.Trim('"'), sequencer = "0055AED6DCD90281E5" }
                }
            })
        });

    /// <summary>What S3 sends once when a notification configuration is saved: no records.</summary>
    public static string TestEvent(string bucket) =>
        JsonSerializer.Serialize(new
        {
            Service = "Amazon S3", Event = "s3:TestEvent", Time = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), Bucket = bucket,
            RequestId = "5582815E1AEA5ADF", HostId = "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR"
        });

    /// <summary>The message as an SQS queue subscribed to S3's SNS topic without raw delivery receives it.</summary>
    public static string ThroughSns(string message, string topicArn = "arn:aws:sns:us-east-1:000000000000:s3-events") =>
        JsonSerializer.Serialize(new
        {
            Type = "Notification", MessageId = Guid.NewGuid().ToString(), TopicArn = topicArn, Subject = "Amazon S3 Notification", Message = message,
            Timestamp = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), SignatureVersion = "1", Signature = "EXAMPLE",
            SigningCertURL = "https://sns.us-east-1.amazonaws.com/cert.pem", UnsubscribeURL = "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe"
        });

    /// <summary>Keys as S3 writes them in events: form-encoded (a space is '+', a '+' is %2B), slashes kept.</summary>
    public static string EncodeKey(string key) => Uri.EscapeDataString(key).Replace("%20", "+").Replace("%2F", "/");
}
