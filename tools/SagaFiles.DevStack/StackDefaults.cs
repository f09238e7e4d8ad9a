using System.Globalization;
using Npgsql;

namespace SagaFiles.DevStack;

/// <summary>
/// The one list of the local stack's ports, images, credentials and waits, for <c>./sagafiles up</c> and the tests alike.
/// Tool versions (fauxqs, Node 22, embedded-postgres) are pinned in .tools/package-lock.json.
/// </summary>
public static class StackDefaults
{
    /// <summary>Where <c>./sagafiles up</c> puts Postgres and SQS/SNS/S3 (or the next free port); the tests take any free port.</summary>
    public const int PostgresPort = 5432;

    public const int AwsPort = 4566;

    /// <summary>Fixed for <c>./sagafiles up</c> (it refuses to start when one is taken): SAGAFILES_API_PORT and SAGAFILES_WORKER_PORTS=A,B choose others.</summary>
    public static int ApiPort => EnvironmentInt("SAGAFILES_API_PORT") ?? 8080;

    public static IReadOnlyList<int> WorkerPorts =>
        Environment.GetEnvironmentVariable("SAGAFILES_WORKER_PORTS") is { Length: > 0 } ports
            ? [.. ports.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture))]
            : [8081, 8082];

    public const string Region = "us-east-1";

    public const string AccessKey = "test";

    public const string SecretKey = "test";

    /// <summary>The application's database on the local server (the tests create one per suite instead).</summary>
    public const string Database = "sagafiles";

    /// <summary>With Docker: LocalStack 4.x tags start without LOCALSTACK_AUTH_TOKEN (the 2026.x images need one).</summary>
    public const string LocalStackImage = "localstack/localstack:4.14.0";

    public const string PostgresImage = "postgres:16-alpine";

    /// <summary>How long a service or host may take to answer after it started (SAGAFILES_READY_TIMEOUT, seconds).</summary>
    public static TimeSpan ReadyTimeout => TimeSpan.FromSeconds(EnvironmentInt("SAGAFILES_READY_TIMEOUT") ?? 60);

    /// <summary>The superuser connection to <paramref name="database" /> on a local server (trust authentication; the password is for Docker's).</summary>
    public static string PostgresConnectionString(int port, string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = port, Username = "postgres", Password = "postgres", Database = database,
    }.ConnectionString;

    static int? EnvironmentInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) ? value : null;
}
