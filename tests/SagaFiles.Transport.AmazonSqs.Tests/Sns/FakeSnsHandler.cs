using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace SagaFiles.Transport.AmazonSqs.Tests.Sns;

/// <summary>Answers SNS requests from a queue of canned responses and records what was sent.</summary>
sealed class FakeSnsHandler : HttpMessageHandler
{
    readonly ConcurrentQueue<Func<HttpResponseMessage>> _responses = new();

    public List<RecordedRequest> Requests { get; } = [];

    public FakeSnsHandler Respond(HttpStatusCode status, string xml, params (string Name, string Value)[] headers)
    {
        _responses.Enqueue(() =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(xml, Encoding.UTF8, "text/xml") };
            foreach (var (name, value) in headers)
                response.Headers.TryAddWithoutValidation(name, value);
            return response;
        });
        return this;
    }

    public FakeSnsHandler RespondOk(string action, string result = "") =>
        Respond(HttpStatusCode.OK,
            $"""<{action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></{action}Response>""");

    public FakeSnsHandler RespondError(HttpStatusCode status, string code, string message, string type = "Sender") =>
        Respond(status,
            $"""<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>{type}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>err-req-7</RequestId></ErrorResponse>""");

    public FakeSnsHandler Throw(Exception exception)
    {
        _responses.Enqueue(() => throw exception);
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content == null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add(new RecordedRequest(request.Method, request.RequestUri!, body,
            request.Content?.Headers.ContentType?.ToString(),
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value))));
        cancellationToken.ThrowIfCancellationRequested();
        if (!_responses.TryDequeue(out var next))
            throw new InvalidOperationException("No response queued for " + body);
        return next();
    }

    public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string Body, string? ContentType, Dictionary<string, string> Headers)
    {
        /// <summary>The form parameters in the order they were sent, decoded.</summary>
        public List<KeyValuePair<string, string>> Form =>
            Body.Split('&').Select(p => p.Split('=', 2))
                .Select(p => new KeyValuePair<string, string>(Uri.UnescapeDataString(p[0]), Uri.UnescapeDataString(p[1])))
                .ToList();

        public string? this[string name] => Form.Where(p => p.Key == name).Select(p => p.Value).FirstOrDefault();
    }
}
