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
    public static bool Handles(string[] args) => args is ["keys", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        // Read the arguments first: a usage error needs no database.
        var command = KeysCommandLine.Parse(args[1..]);
        if (command is KeysCommandLine.Invalid invalid)
            return Fail($"{invalid.Problem}\n{KeysCommandLine.Usage}");

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
        return command switch
        {
            KeysCommandLine.Create create => await CreateAsync(keys, create),
            KeysCommandLine.List list => await ListAsync(keys, list.Tenant),
            KeysCommandLine.Revoke revoke => await RevokeAsync(keys, revoke.Id),
            _ => throw new InvalidOperationException($"No handler for {command}.")
        };
    }

    static async Task<int> CreateAsync(ApiKeyStore keys, KeysCommandLine.Create create)
    {
        var (key, secret) = await keys.CreateAsync(create.Name, create.Tenant, create.Scopes, CancellationToken.None);
        Console.WriteLine($"Created key {key.Id} ({key.Prefix}) '{key.Name}' for tenant {key.Tenant} with {string.Join(",", key.Scopes)}.");
        Console.WriteLine("Send it as 'Authorization: Bearer <key>'. Its secret is shown only now:");
        Console.WriteLine(secret);
        return 0;
    }

    static async Task<int> ListAsync(ApiKeyStore keys, string? tenant)
    {
        Console.WriteLine($"{"ID",-36}  {"PREFIX",-12}  {"TENANT",-16}  {"SCOPES",-30}  {"CREATED",-20}  {"LAST USED",-20}  {"REVOKED",-20}  NAME");
        foreach (var key in await keys.ListAsync(tenant, CancellationToken.None))
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

    static string Time(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
