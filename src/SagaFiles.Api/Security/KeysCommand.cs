using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Security;

/// <summary>
/// <c>SagaFiles.Api keys create|list|revoke</c>: key management straight against the database (the <c>./sagafiles keys</c> command),
/// for the first admin key and for when no admin key is at hand. Creating prints the secret alone on its last line.
/// </summary>
public static class KeysCommand
{
    const string Usage = """
        usage: keys create --name NAME --tenant TENANT --scopes files:write,files:read,admin
               keys list [--tenant TENANT]
               keys revoke ID
        """;

    public static bool Handles(string[] args) => args is ["keys", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSagaFilesDatabase(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<ApiKeyStore>();
        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        // The key may be the first thing an empty database holds: bring its schema up to date as the API would.
        await scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>().Database.MigrateAsync();
        var keys = scope.ServiceProvider.GetRequiredService<ApiKeyStore>();
        var options = Options(args.Length > 2 ? args[2..] : []);
        return args.Skip(1).FirstOrDefault() switch
        {
            "create" => await CreateAsync(keys, options),
            "list" => await ListAsync(keys, options),
            "revoke" when args.Length == 3 && Guid.TryParse(args[2], out var id) => await RevokeAsync(keys, id),
            _ => Fail(Usage)
        };
    }

    static async Task<int> CreateAsync(ApiKeyStore keys, IReadOnlyDictionary<string, string> options)
    {
        var name = options.GetValueOrDefault("name");
        var tenant = options.GetValueOrDefault("tenant");
        var scopes = options.GetValueOrDefault("scopes")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ApiKeyStore.Validate(name, tenant, scopes) is { } problem)
            return Fail($"{problem}\n{Usage}");
        var (key, secret) = await keys.CreateAsync(name!, tenant!, scopes!, CancellationToken.None);
        Console.WriteLine($"Created key {key.Id} ({key.Prefix}) '{key.Name}' for tenant {key.Tenant} with {string.Join(",", key.Scopes)}.");
        Console.WriteLine("Send it as 'Authorization: Bearer <key>'. Its secret is shown only now:");
        Console.WriteLine(secret);
        return 0;
    }

    static async Task<int> ListAsync(ApiKeyStore keys, IReadOnlyDictionary<string, string> options)
    {
        Console.WriteLine($"{"ID",-36}  {"PREFIX",-12}  {"TENANT",-16}  {"SCOPES",-30}  {"CREATED",-20}  {"LAST USED",-20}  {"REVOKED",-20}  NAME");
        foreach (var key in await keys.ListAsync(options.GetValueOrDefault("tenant"), CancellationToken.None))
            Console.WriteLine($"{key.Id,-36}  {key.Prefix,-12}  {key.Tenant,-16}  {string.Join(",", key.Scopes),-30}  {Time(key.CreatedAt),-20}  "
                + $"{Time(key.LastUsedAt),-20}  {Time(key.RevokedAt),-20}  {key.Name}");
        return 0;
    }

    static async Task<int> RevokeAsync(ApiKeyStore keys, Guid id)
    {
        if (await keys.RevokeAsync(id, CancellationToken.None) is not { } key)
            return Fail($"There is no key {id}.");
        Console.WriteLine($"Revoked key {key.Id} ({key.Prefix}) at {Time(key.RevokedAt)}; it stops working within {ApiKeyLookup.CacheFor.TotalSeconds:0} s.");
        return 0;
    }

    /// <summary><c>--name value</c> pairs.</summary>
    static Dictionary<string, string> Options(IReadOnlyList<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Count; i += 2)
            if (args[i].StartsWith("--", StringComparison.Ordinal))
                options[args[i][2..]] = args[i + 1];
        return options;
    }

    static string Time(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
