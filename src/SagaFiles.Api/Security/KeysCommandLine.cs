namespace SagaFiles.Api.Security;

/// <summary>
/// What <c>keys create|list|revoke</c> asks for, read from the arguments after <c>keys</c>. Options come in any order, as
/// <c>--option value</c> or <c>--option=value</c>; an unknown, repeated or valueless option, a missing one or a stray
/// argument is a usage error that names it.
/// </summary>
public abstract record KeysCommandLine
{
    public const string Usage = """
        usage: keys create --name NAME --tenant TENANT --scopes files:write,files:read,admin   (options in any order)
               keys list [--tenant TENANT]
               keys revoke ID
        """;

    public sealed record Create(string Name, string Tenant, IReadOnlyList<string> Scopes) : KeysCommandLine;

    public sealed record List(string? Tenant) : KeysCommandLine;

    public sealed record Revoke(Guid Id) : KeysCommandLine;

    /// <summary>Arguments that ask for nothing this command does, and why.</summary>
    public sealed record Invalid(string Problem) : KeysCommandLine;

    public static KeysCommandLine Parse(IReadOnlyList<string> args)
    {
        var rest = args.Skip(1).ToList();
        switch (args.FirstOrDefault())
        {
            case "create":
            {
                string[] required = ["name", "tenant", "scopes"];
                var (options, problem) = Options(rest, required);
                if (problem != null)
                    return new Invalid(problem);
                if (required.FirstOrDefault(o => !options.ContainsKey(o)) is { } missing)
                    return new Invalid($"keys create needs --{missing}.");
                var scopes = options["scopes"].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return ApiKeyStore.Validate(options["name"], options["tenant"], scopes) is { } invalid
                    ? new Invalid(invalid)
                    : new Create(options["name"], options["tenant"], scopes);
            }
            case "list":
            {
                var (options, problem) = Options(rest, ["tenant"]);
                return problem != null ? new Invalid(problem) : new List(options.GetValueOrDefault("tenant"));
            }
            case "revoke":
                return rest switch
                {
                    [var id] when Guid.TryParse(id, out var keyId) => new Revoke(keyId),
                    [var id] => new Invalid($"'{id}' is not a key id (keys list shows them)."),
                    _ => new Invalid("keys revoke takes one key id.")
                };
            case null:
                return new Invalid("keys needs a command: create, list or revoke.");
            case var other:
                return new Invalid($"'{other}' is not a keys command: create, list or revoke.");
        }
    }

    /// <summary>The <c>--option value</c> and <c>--option=value</c> pairs of <paramref name="args" />, or what is wrong with them.</summary>
    static (Dictionary<string, string> Options, string? Problem) Options(List<string> args, string[] allowed)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                return (options, $"Unexpected argument '{arg}': values follow their option (--name NAME).");
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg[2..] : arg[2..equals];
            var value = equals >= 0 ? arg[(equals + 1)..]
                : i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            if (!allowed.Contains(name))
                return (options, $"Unknown option '--{name}': the options are {string.Join(", ", allowed.Select(o => "--" + o))}.");
            if (string.IsNullOrEmpty(value))
                return (options, $"Option '--{name}' needs a value.");
            if (!options.TryAdd(name, value))
                return (options, $"Option '--{name}' is given twice.");
        }

        return (options, null);
    }
}
