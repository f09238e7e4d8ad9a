namespace SagaFiles.Processing.Routing;

/// <summary>
/// One routing rule: files whose type matches <see cref="Types" /> and whose tags match <see cref="Tags" /> go to
/// <see cref="Processor" />. Settable properties so a configuration section binds to it.
/// </summary>
public sealed class RoutingRule
{
    /// <summary>Kind names (<c>csv</c>, <c>jsonl</c>, <c>zip</c>) or categories (<c>image</c>, <c>archive</c>); any one
    /// matches. Empty: every type.</summary>
    public List<string> Types { get; set; } = [];

    /// <summary><c>key</c> (the tag is present) or <c>key=value</c>; all must match. Empty: any tags.</summary>
    public List<string> Tags { get; set; } = [];

    /// <summary>A registered processor's name, or <c>pass-through</c>.</summary>
    public string Processor { get; set; } = "";

    public override string ToString() =>
        $"[{string.Join(",", Types)}]{(Tags.Count > 0 ? $" tagged [{string.Join(",", Tags)}]" : "")} -> {Processor}";
}
