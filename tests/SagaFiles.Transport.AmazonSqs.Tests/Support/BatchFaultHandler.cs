using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SQS;

namespace SagaFiles.Transport.AmazonSqs.Tests.Support;

/// <summary>
/// Passes SQS calls to the emulator, counting them by action, and answers batch entries as failed on request: the next
/// <see cref="Fail" />ed entries of an action are taken out of the request (so the emulator never sees them) and
/// reported in the response's <c>Failed</c> list with the given code and fault, as SQS reports a failed entry.
/// </summary>
public sealed class BatchFaultHandler() : DelegatingHandler(new HttpClientHandler())
{
    readonly ConcurrentDictionary<string, (int Entries, string Code, bool SenderFault)> _failures = new();

    public ConcurrentQueue<(string Action, string Body)> Requests { get; } = new();

    /// <summary>Receipt handles or bodies of the entries failed so far.</summary>
    public ConcurrentQueue<string> Failed { get; } = new();

    public int Count(string action, string? about = null) => Requests.Count(r => r.Action == action && (about == null || r.Body.Contains(about)));

    /// <summary>The next <paramref name="entries" /> entries of <paramref name="action" /> (e.g. SendMessageBatch) fail.</summary>
    public void Fail(string action, int entries, string code, bool senderFault) => _failures[action] = (entries, code, senderFault);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var action = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.First().Split('.').Last() : "";
        var body = request.Content == null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue((action, body));
        if (!_failures.TryGetValue(action, out var failure) || failure.Entries <= 0)
            return await base.SendAsync(request, cancellationToken);

        var json = JsonNode.Parse(body)!.AsObject();
        var entries = json["Entries"]!.AsArray();
        var failing = Math.Min(failure.Entries, entries.Count);
        _failures[action] = failure with { Entries = failure.Entries - failing };
        var failed = new JsonArray();
        for (var i = 0; i < failing; i++)
        {
            var entry = entries[0]!;
            entries.RemoveAt(0);
            Failed.Enqueue(entry["ReceiptHandle"]?.GetValue<string>() ?? entry["MessageBody"]?.GetValue<string>() ?? "");
            failed.Add(new JsonObject
            {
                ["Id"] = entry["Id"]!.GetValue<string>(),
                ["Code"] = failure.Code,
                ["Message"] = "injected by the test",
                ["SenderFault"] = failure.SenderFault
            });
        }

        JsonObject answer;
        if (entries.Count == 0)
            answer = new JsonObject { ["Successful"] = new JsonArray() };
        else
        {
            var content = request.Content!;
            request.Content = new StringContent(json.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = content.Headers.ContentType;
            var response = await base.SendAsync(request, cancellationToken);
            answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
        }

        var all = answer["Failed"] as JsonArray ?? [];
        answer.Remove("Failed");
        foreach (var item in failed.ToList())
        {
            failed.Remove(item);
            all.Add(item);
        }

        answer["Failed"] = all;
        return new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            Content = new StringContent(answer.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.0")
        };
    }

    public AmazonSQSConfig SqsConfig() => new() { HttpClientFactory = new Factory(this) };

    sealed class Factory(BatchFaultHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }
}

/// <summary>Counts SNS Query API calls by their Action.</summary>
public sealed class SnsCountingHandler() : DelegatingHandler(new HttpClientHandler())
{
    public ConcurrentQueue<string> Actions { get; } = new();

    public int Count(string action) => Actions.Count(a => a == action);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content == null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var action = body.Split('&').Select(Uri.UnescapeDataString).FirstOrDefault(p => p.StartsWith("Action=", StringComparison.Ordinal));
        Actions.Enqueue(action?["Action=".Length..] ?? "");
        return await base.SendAsync(request, cancellationToken);
    }
}
