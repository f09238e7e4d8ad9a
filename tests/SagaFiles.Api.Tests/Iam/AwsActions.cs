using System.Text;
using System.Text.Json;
using System.Web;

namespace SagaFiles.Api.Tests.Iam;

/// <summary>One AWS call as IAM sees it: who (the signing access key), which action, on which resource ARN.</summary>
public sealed record AwsCall(string AccessKey, string Action, string Resource);

/// <summary>
/// Reads an SQS (JSON protocol), SNS (Query protocol) or S3 (REST, path style) request as the IAM actions it needs,
/// following the AWS service authorization reference (a batch call needs the single call's action; CopyObject needs
/// GetObject on the source and PutObject on the target; multipart parts need PutObject).
/// </summary>
public static class AwsActions
{
    /// <summary>Region of the test stack. The account is not what this checks: resources name a placeholder one.</summary>
    public const string Region = "us-east-1";

    public const string Account = "000000000000";

    public static IEnumerable<AwsCall> Describe(string method, string path, string query, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        var accessKey = AccessKey(headers, query);
        if (accessKey == null)
            return [];
        if (headers.TryGetValue("X-Amz-Target", out var target) && target.StartsWith("AmazonSQS.", StringComparison.Ordinal))
            return [Sqs(accessKey, target["AmazonSQS.".Length..], body)];
        var form = headers.TryGetValue("Content-Type", out var contentType) && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal)
            ? HttpUtility.ParseQueryString(Encoding.UTF8.GetString(body))
            : null;
        if (form?["Action"] is { } snsAction)
            return [Sns(accessKey, snsAction, form)];
        return S3(accessKey, method, path, HttpUtility.ParseQueryString(query), headers);
    }

    static string? AccessKey(IReadOnlyDictionary<string, string> headers, string query)
    {
        var credential = headers.TryGetValue("Authorization", out var authorization) && authorization.Contains("Credential=")
            ? authorization[(authorization.IndexOf("Credential=", StringComparison.Ordinal) + "Credential=".Length)..]
            : HttpUtility.ParseQueryString(query)["X-Amz-Credential"];
        return credential?.Split('/')[0];
    }

    static AwsCall Sqs(string accessKey, string operation, byte[] body)
    {
        using var json = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
        var root = json.RootElement;
        var queue = root.TryGetProperty("QueueUrl", out var url) ? url.GetString()!.TrimEnd('/').Split('/')[^1]
            : root.TryGetProperty("QueueName", out var name) ? name.GetString()!
            : null;
        var action = operation switch
        {
            "SendMessageBatch" => "SendMessage",
            "DeleteMessageBatch" => "DeleteMessage",
            "ChangeMessageVisibilityBatch" => "ChangeMessageVisibility",
            _ => operation
        };
        return new AwsCall(accessKey, "sqs:" + action, queue == null ? "*" : $"arn:aws:sqs:{Region}:{Account}:{queue}");
    }

    static AwsCall Sns(string accessKey, string operation, System.Collections.Specialized.NameValueCollection form)
    {
        var topic = form["TopicArn"]
            ?? (form["SubscriptionArn"] is { } subscription ? subscription[..subscription.LastIndexOf(':')] : null)
            ?? (form["Name"] is { } name ? $"arn:aws:sns:{Region}:{Account}:{name}" : "*");
        return new AwsCall(accessKey, "sns:" + (operation == "PublishBatch" ? "Publish" : operation), topic);
    }

    static IEnumerable<AwsCall> S3(string accessKey, string method, string path, System.Collections.Specialized.NameValueCollection query,
        IReadOnlyDictionary<string, string> headers)
    {
        var parts = path.TrimStart('/').Split('/', 2);
        var bucket = $"arn:aws:s3:::{parts[0]}";
        var isObject = parts.Length == 2 && parts[1].Length > 0;
        var target = isObject ? $"{bucket}/{Uri.UnescapeDataString(parts[1])}" : bucket;
        bool Has(string key) => query.AllKeys.Contains(key) || query.GetValues(null)?.Contains(key) == true;

        switch (method)
        {
            case "GET" or "HEAD" when isObject:
                // Reading a named version is its own action.
                yield return new AwsCall(accessKey, Has("versionId") ? "s3:GetObjectVersion" : "s3:GetObject", target);
                break;
            case "GET" or "HEAD" when Has("uploads"):
                yield return new AwsCall(accessKey, "s3:ListBucketMultipartUploads", bucket);
                break;
            case "GET" or "HEAD":
                yield return new AwsCall(accessKey, "s3:ListBucket", bucket);
                break;
            case "PUT" when !isObject:
                yield return new AwsCall(accessKey, "s3:CreateBucket", bucket);
                break;
            case "PUT" when headers.TryGetValue("x-amz-copy-source", out var source):
                yield return new AwsCall(accessKey, "s3:GetObject", "arn:aws:s3:::" + Uri.UnescapeDataString(source.TrimStart('/').Split('?')[0]));
                yield return new AwsCall(accessKey, "s3:PutObject", target);
                break;
            case "PUT" or "POST" when isObject:
                yield return new AwsCall(accessKey, "s3:PutObject", target);
                break;
            case "POST" when Has("delete"):
                // DeleteObjects: IAM checks s3:DeleteObject per key; the keys are in the body, the bucket is what the policy scopes.
                yield return new AwsCall(accessKey, "s3:DeleteObject", bucket + "/*");
                break;
            case "DELETE" when isObject && Has("uploadId"):
                yield return new AwsCall(accessKey, "s3:AbortMultipartUpload", target);
                break;
            case "DELETE" when isObject:
                yield return new AwsCall(accessKey, "s3:DeleteObject", target);
                break;
            default:
                yield return new AwsCall(accessKey, $"s3:Unknown({method} {path})", target);
                break;
        }
    }
}
