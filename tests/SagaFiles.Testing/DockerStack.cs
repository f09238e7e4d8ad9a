using System.Diagnostics;
using Testcontainers.LocalStack;
using Testcontainers.PostgreSql;

namespace SagaFiles.Testing;

/// <summary>LocalStack (SQS, SNS, S3) and PostgreSQL through Testcontainers, used when a Docker engine answers.</summary>
sealed class DockerStack : IAsyncDisposable
{
    // Since March 2026 the latest (2026.x) LocalStack images need LOCALSTACK_AUTH_TOKEN; 4.x tags start without one.
    const string LocalStackImage = "localstack/localstack:4.14.0";
    const string PostgresImage = "postgres:16-alpine";

    LocalStackContainer? _localStack;
    PostgreSqlContainer? _postgres;

    /// <summary>True when <c>docker info</c> exits 0 within a few seconds.</summary>
    public static async Task<bool> IsAvailableAsync(CancellationToken ct)
    {
        if (Tools.FindOnPath("docker") is not { } docker)
            return false;
        try
        {
            var result = await Tools.RunAsync(docker, ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(5), ct);
            return result.ExitCode == 0;
        }
        catch (Exception e) when (e is TimeoutException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public async Task<(Uri? AwsServiceUrl, string? Postgres)> StartAsync(bool aws, bool postgres, CancellationToken ct)
    {
        var tasks = new List<Task>();
        if (aws)
        {
            var builder = new LocalStackBuilder(LocalStackImage).WithEnvironment("SERVICES", "sqs,sns,s3");
            if (Environment.GetEnvironmentVariable("LOCALSTACK_AUTH_TOKEN") is { Length: > 0 } token)
                builder = builder.WithEnvironment("LOCALSTACK_AUTH_TOKEN", token);
            _localStack = builder.Build();
            tasks.Add(_localStack.StartAsync(ct));
        }

        if (postgres)
        {
            // A fixed host port, so that a restarted container answers where the first one did.
            _postgres = new PostgreSqlBuilder(PostgresImage)
                .WithPortBinding(Tools.FreePort(), PostgreSqlBuilder.PostgreSqlPort)
                .WithUsername("postgres").WithPassword("postgres").WithDatabase("postgres")
                .WithCommand("-c", "max_connections=300", "-c", "fsync=off")
                .Build();
            tasks.Add(_postgres.StartAsync(ct));
        }

        await Task.WhenAll(tasks);
        return (_localStack is null ? null : new Uri(_localStack.GetConnectionString()), _postgres?.GetConnectionString());
    }

    /// <summary>Stops the PostgreSQL container; <see cref="StartPostgresAsync" /> starts it again with the same volume and host port.</summary>
    public Task StopPostgresAsync(CancellationToken ct) =>
        (_postgres ?? throw new InvalidOperationException("This stack did not start PostgreSQL.")).StopAsync(ct);

    public Task StartPostgresAsync(CancellationToken ct) =>
        (_postgres ?? throw new InvalidOperationException("This stack did not start PostgreSQL.")).StartAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (_postgres != null)
            await _postgres.DisposeAsync();
        if (_localStack != null)
            await _localStack.DisposeAsync();
    }
}
