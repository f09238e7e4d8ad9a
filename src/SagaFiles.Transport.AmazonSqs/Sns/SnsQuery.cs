using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace SagaFiles.Transport.AmazonSqs.Sns;

/// <summary>Builds a Query-protocol form body: Action, Version, then the parameters in order, RFC 3986-encoded.</summary>
sealed class SnsQueryRequest
{
    public const string ApiVersion = "2010-03-31";
    readonly List<KeyValuePair<string, string>> _parameters = [];

    public SnsQueryRequest(string action)
    {
        Action = action;
        Add("Action", action);
        Add("Version", ApiVersion);
    }

    public string Action { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Parameters => _parameters;

    public SnsQueryRequest Add(string name, string? value)
    {
        if (value != null)
            _parameters.Add(new(name, value));
        return this;
    }

    /// <summary>Attributes.entry.N.key / .value (CreateTopic, Subscribe), N from 1.</summary>
    public SnsQueryRequest AddMap(string prefix, IEnumerable<KeyValuePair<string, string>>? map)
    {
        var index = 0;
        foreach (var (key, value) in map ?? [])
        {
            index++;
            Add($"{prefix}.entry.{index}.key", key);
            Add($"{prefix}.entry.{index}.value", value);
        }

        return this;
    }

    /// <summary>{prefix}MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue or .Value.BinaryValue (base64).</summary>
    public SnsQueryRequest AddMessageAttributes(string prefix, IReadOnlyDictionary<string, SnsMessageAttribute> attributes)
    {
        var index = 0;
        foreach (var (name, attribute) in attributes)
        {
            index++;
            var entry = $"{prefix}MessageAttributes.entry.{index}";
            Add(entry + ".Name", name);
            Add(entry + ".Value.DataType", attribute.DataType);
            if (attribute.StringValue != null)
                Add(entry + ".Value.StringValue", attribute.StringValue);
            else if (attribute.BinaryValue is { } binary)
                Add(entry + ".Value.BinaryValue", Convert.ToBase64String(binary.Span));
        }

        return this;
    }

    public string ToFormBody()
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in _parameters)
        {
            if (builder.Length > 0)
                builder.Append('&');
            builder.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return builder.ToString();
    }
}

/// <summary>Reads Query-protocol XML responses: {Action}Response/{Action}Result and ErrorResponse.</summary>
static class SnsQueryResponse
{
    public static XElement Result(string action, string xml, HttpStatusCode status, string? headerRequestId)
    {
        var document = Parse(xml, status, headerRequestId);
        return document.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Result")
            ?? new XElement(action + "Result"); // Actions without a result (Unsubscribe, DeleteTopic...) may omit it.
    }

    public static AmazonSnsException Error(string body, HttpStatusCode status, string? headerRequestId)
    {
        XDocument? document = null;
        try
        {
            if (!string.IsNullOrWhiteSpace(body))
                document = XDocument.Parse(body);
        }
        catch (XmlException)
        {
        }

        var error = document?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
        if (error == null)
        {
            var text = body.Length > 500 ? body[..500] + "..." : body;
            return new AmazonSnsException($"Http{(int)status}", string.IsNullOrWhiteSpace(text) ? status.ToString() : text.Trim(), status,
                headerRequestId, null);
        }

        var requestId = Child(document!.Root!, "RequestId") ?? Child(error, "RequestId") ?? headerRequestId;
        return new AmazonSnsException(Child(error, "Code") ?? $"Http{(int)status}", Child(error, "Message") ?? "", status, requestId,
            Child(error, "Type"));
    }

    public static string? Child(XElement element, string localName) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == localName)?.Value;

    public static string Required(XElement element, string localName) =>
        Child(element, localName) ?? throw new AmazonSnsException("MalformedResponse",
            $"The {element.Name.LocalName} element has no {localName}.", HttpStatusCode.OK, null, null);

    public static IEnumerable<XElement> Members(XElement element, string listName) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == listName)?.Elements().Where(e => e.Name.LocalName == "member") ?? [];

    public static IReadOnlyDictionary<string, string> Map(XElement element, string mapName) =>
        (element.Elements().FirstOrDefault(e => e.Name.LocalName == mapName)?.Elements().Where(e => e.Name.LocalName == "entry") ?? [])
        .ToDictionary(e => Required(e, "key"), e => Child(e, "value") ?? "", StringComparer.Ordinal);

    static XDocument Parse(string xml, HttpStatusCode status, string? requestId)
    {
        try
        {
            return XDocument.Parse(xml);
        }
        catch (XmlException e)
        {
            throw new AmazonSnsException("MalformedResponse", "The response is not XML: " + e.Message, status, requestId, null, e);
        }
    }
}
