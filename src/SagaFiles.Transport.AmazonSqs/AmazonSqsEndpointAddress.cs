namespace SagaFiles.Transport.AmazonSqs;

/// <summary>
/// An SQS queue or SNS topic address: <c>amazonsqs://{region}/{scope}/{name}[?type=topic][&amp;temporary=true]</c>,
/// also written <c>queue:{name}</c> or <c>topic:{name}</c> (MassTransit's short addresses).
/// </summary>
public readonly record struct AmazonSqsEndpointAddress(string Region, string Scope, string Name, bool IsTopic, bool IsTemporary)
{
    public const string Scheme = "amazonsqs";

    /// <summary>The entity name in SQS or SNS: the scope prefix plus the name.</summary>
    public string EntityName => AmazonSqsEntityNames.Scoped(Scope, Name);

    /// <summary>A queue or topic on the bus's host, named without the scope (the address adds it).</summary>
    public static AmazonSqsEndpointAddress OnHost(Uri hostAddress, string name, bool isTopic, bool isTemporary = false) =>
        new(hostAddress.Host, hostAddress.AbsolutePath.Trim('/'), name, isTopic, isTemporary);

    public static AmazonSqsEndpointAddress Parse(Uri hostAddress, Uri address)
    {
        var region = hostAddress.Host;
        var scope = hostAddress.AbsolutePath.Trim('/');

        switch (address.Scheme.ToLowerInvariant())
        {
            case "queue":
                return new AmazonSqsEndpointAddress(region, scope, ShortName(address), false, false);
            case "topic":
                return new AmazonSqsEndpointAddress(region, scope, ShortName(address), true, false);
            case Scheme:
                var segments = address.AbsolutePath.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (segments.Length == 0)
                    throw new ArgumentException($"The address has no queue or topic name: {address}", nameof(address));
                var query = ParseQuery(address.Query);
                return new AmazonSqsEndpointAddress(
                    address.Host,
                    string.Join('/', segments[..^1]),
                    segments[^1],
                    query.TryGetValue("type", out var type) && type.Equals("topic", StringComparison.OrdinalIgnoreCase),
                    query.TryGetValue("temporary", out var temporary) && bool.TryParse(temporary, out var isTemporary) && isTemporary);
            default:
                throw new ArgumentException($"Not an Amazon SQS address: {address}", nameof(address));
        }
    }

    public Uri ToUri()
    {
        var path = string.IsNullOrEmpty(Scope) ? "/" + Name : $"/{Scope}/{Name}";
        var query = (IsTopic, IsTemporary) switch
        {
            (true, _) => "type=topic",
            (false, true) => "temporary=true",
            _ => ""
        };
        return new UriBuilder(Scheme, Region) { Path = path, Query = query }.Uri;
    }

    public static implicit operator Uri(AmazonSqsEndpointAddress address) => address.ToUri();

    static string ShortName(Uri address) => address.AbsolutePath.Trim('/');

    static Dictionary<string, string> ParseQuery(string query) =>
        query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => Uri.UnescapeDataString(pair[0]), pair => pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : "",
                StringComparer.OrdinalIgnoreCase);
}
