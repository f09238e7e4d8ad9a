using System.Text.Json;
using System.Text.Json.Nodes;
using SagaFiles.Transport.AmazonSqs.Transport;

namespace SagaFiles.Transport.AmazonSqs.Topology;

/// <summary>
/// The statement in a queue's access policy that lets SNS deliver this transport's topics to it. It is merged into
/// whatever policy the queue has: statements others wrote are kept as they are, and the topics are named by exact ARN
/// (never a wildcard), so a queue on a shared account accepts only the topics it is subscribed to.
/// </summary>
public static class SqsQueuePolicy
{
    /// <summary>The Sid of the statement this transport owns in every queue policy.</summary>
    public const string StatementId = "SagaFilesSnsTopics";

    /// <summary>The wildcard statement earlier versions wrote; replaced by <see cref="StatementId" /> when found.</summary>
    const string LegacyStatementId = "AllowSubscribedTopics";

    const string SourceArnKey = "aws:SourceArn";

    /// <summary>The topics <paramref name="policy" /> lets SNS send to the queue through this transport's statement.</summary>
    public static IReadOnlySet<string> AllowedTopics(string? policy)
    {
        var statement = Statements(Parse(policy)).FirstOrDefault(IsOurs);
        var arns = statement?["Condition"]?["ArnEquals"]?[SourceArnKey];
        return arns switch
        {
            JsonArray array => array.Select(a => a!.GetValue<string>()).ToHashSet(StringComparer.Ordinal),
            JsonValue value => new HashSet<string>(StringComparer.Ordinal) { value.GetValue<string>() },
            _ => new HashSet<string>(StringComparer.Ordinal)
        };
    }

    /// <summary>
    /// <paramref name="policy" /> with this transport's statement allowing <paramref name="topicArns" /> as well as the topics
    /// it already allowed; every other statement unchanged. Null when the policy already allows them all.
    /// </summary>
    public static string? Merge(string? policy, string queueArn, IEnumerable<string> topicArns)
    {
        var document = Parse(policy);
        var allowed = AllowedTopics(policy);
        var wanted = topicArns.ToHashSet(StringComparer.Ordinal);
        var legacy = Statements(document).Any(s => s?["Sid"]?.GetValue<string>() == LegacyStatementId);
        if (wanted.IsSubsetOf(allowed) && !legacy)
            return null;

        var others = Statements(document).Where(s => s != null && !IsOurs(s) && s["Sid"]?.GetValue<string>() != LegacyStatementId)
            .Select(s => s!.DeepClone()).ToList();
        var topics = new JsonArray(allowed.Union(wanted).Order(StringComparer.Ordinal).Select(arn => (JsonNode?)JsonValue.Create(arn)).ToArray());
        others.Add(new JsonObject
        {
            ["Sid"] = StatementId,
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["Service"] = "sns.amazonaws.com" },
            ["Action"] = "sqs:SendMessage",
            ["Resource"] = queueArn,
            ["Condition"] = new JsonObject { ["ArnEquals"] = new JsonObject { [SourceArnKey] = topics } }
        });
        document["Version"] ??= "2012-10-17";
        document["Statement"] = new JsonArray(others.ToArray());
        return document.ToJsonString();
    }

    static bool IsOurs(JsonNode? statement) => statement?["Sid"]?.GetValue<string>() == StatementId;

    static JsonObject Parse(string? policy)
    {
        if (string.IsNullOrWhiteSpace(policy))
            return new JsonObject { ["Version"] = "2012-10-17" };
        try
        {
            return JsonNode.Parse(policy) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException exception)
        {
            throw new AmazonSqsTransportException($"The queue's access policy is not a JSON object ({exception.Message}); it is left as it is.",
                exception);
        }
    }

    /// <summary>A policy's statements: IAM allows one statement object as well as an array of them.</summary>
    static IEnumerable<JsonNode?> Statements(JsonObject document) =>
        document["Statement"] switch
        {
            JsonArray array => array.AsEnumerable(),
            JsonObject single => Enumerable.Repeat<JsonNode?>(single, 1),
            _ => []
        };
}
