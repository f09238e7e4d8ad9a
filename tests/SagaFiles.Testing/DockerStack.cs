using SagaFiles.DevStack;
using Testcontainers.LocalStack;
using Testcontainers.PostgreSql;

namespace SagaFiles.Testing;

/// <summary>LocalStack (SQS, SNS, S3) and PostgreSQL through Testcontainers, used when a Docker engine answers (<see cref="DockerEngine" />).</summary>
sealed class DockerStack : IAsyncDisposable
{
    LocalStackContainer? _localStack;
    PostgreSqlContainer? _postgres;

    public async Task<(Uri? AwsServiceUrl, string? Postgres)> StartAsync(bool aws, bool postgres, CancellationToken ct)
    {
        var tasks = new List<Task>();
        if (aws)
        {
            var builder = new LocalStackBuilder(StackDefaults.LocalStackImage).WithEnvironment("SERVICES", "sqs,sns,s3");
            if (Environment.GetEnvironmentVariable("LOCALSTACK_AUTH_TOKEN") is { Length: > 0 } token)
                builder = builder.WithEnvironment("LOCALSTACK_AUTH_TOKEN", token);
            _localStack = builder.Build();
            tasks.Add(_localStack.StartAsync(ct));
        }

        if (postgres)
        {
            // A fixed host port, so that a restarted container answers where the first one did.
            _postgres = new PostgreSqlBuilder(StackDefaults.PostgresImage)
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
