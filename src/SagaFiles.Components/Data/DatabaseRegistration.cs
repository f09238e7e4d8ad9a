using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using SagaFiles.Components.Consumers;
using SagaFiles.Components.StateMachines;
using SagaFiles.Components.Steps;

namespace SagaFiles.Components.Data;

public static class DatabaseRegistration
{
    public const string ConnectionStringName = "SagaFiles";

    /// <summary>
    /// The database, from <c>ConnectionStrings:SagaFiles</c>; start-up fails clearly without it. DbContexts are pooled:
    /// every consumed message takes one, and setting up a new one each time cost a few percent of a worker's CPU.
    /// <paramref name="maxPoolSize" /> is the host's default cap on its open connections (<see cref="WithConnectionDefaults" />).
    /// </summary>
    public static IServiceCollection AddSagaFilesDatabase(this IServiceCollection services, IConfiguration configuration, int? maxPoolSize = null)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not set: SagaFiles needs its Postgres database.");
        services.AddDbContextPool<SagaFilesDbContext>(options => options.UseNpgsql(WithConnectionDefaults(connectionString, maxPoolSize),
            npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history")).UseSnakeCaseNamingConvention());
        return services;
    }

    /// <summary>
    /// Every message runs the same few dozen statements: prepared once per pooled connection, Postgres parses and plans
    /// them once (Max Auto Prepare), and a connection going back to the pool is not reset with DISCARD ALL, which would
    /// drop them again (SagaFiles keeps no session state). With <paramref name="maxPoolSize" />, the pool opens at most
    /// that many connections (Npgsql's own default is 100). Each setting the connection string names wins.
    /// </summary>
    internal static string WithConnectionDefaults(string connectionString, int? maxPoolSize = null)
    {
        // What the string itself says (NpgsqlConnectionStringBuilder.ContainsKey answers for every keyword it knows).
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Given(params string[] keywords) => keywords.Any(k => given.ContainsKey(k) || given.ContainsKey(k.Replace(" ", "")));

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Given("Max Auto Prepare"))
            builder.MaxAutoPrepare = 64;
        if (!Given("No Reset On Close"))
            builder.NoResetOnClose = true;
        if (maxPoolSize is { } size && !Given("Maximum Pool Size", "MaxPoolSize"))
            builder.MaxPoolSize = size;
        return builder.ConnectionString;
    }

    /// <summary>The inbox/outbox: what a saga or the API publishes commits with its database changes.</summary>
    public static void AddSagaFilesOutbox(this IBusRegistrationConfigurator configurator) =>
        configurator.AddEntityFrameworkOutbox<SagaFilesDbContext>(o =>
        {
            o.UsePostgres();
            o.UseBusOutbox();
            o.QueryDelay = TimeSpan.FromSeconds(1);
            o.DuplicateDetectionWindow = TimeSpan.FromMinutes(30);
        });

    /// <summary>
    /// The saga's retry and timeout settings (section <c>FileSaga</c>), validated at start-up: read by the saga's hosts, and by
    /// the intake, which starts each file's first attempt (FileSagaStart).
    /// </summary>
    public static IServiceCollection AddFileSagaOptions(this IServiceCollection services)
    {
        services.AddOptions<FileSagaOptions>().BindConfiguration(FileSagaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>
    /// The file saga, persisted in Postgres with optimistic concurrency; its retry and timeout settings, and its steps against
    /// its states and events, validated at start-up; the sweeper that times out its unanswered attempts; and the consumer
    /// that counts archives' children for it.
    /// </summary>
    public static void AddFileSaga(this IBusRegistrationConfigurator configurator)
    {
        configurator.AddFileSagaOptions();
        configurator.AddEndpointOptions();
        configurator.AddHostedService(services => new StepModelCheck(FileSteps.All, services.GetRequiredService<FileStateMachine>()));
        configurator.AddHostedService<StepTimeoutSweeper>();
        configurator.AddSagaStateMachine<FileStateMachine, FileState, FileStateDefinition>()
            .EntityFrameworkRepository(r =>
            {
                r.ConcurrencyMode = ConcurrencyMode.Optimistic;
                r.ExistingDbContext<SagaFilesDbContext>();
                r.UsePostgres();
            });
        configurator.AddOptions<ArchiveOptions>().BindConfiguration(ProcessingOptions.ArchivesSection).ValidateDataAnnotations().ValidateOnStart();
        configurator.TryAddSingleton<ChildManifests>();
        configurator.AddConsumer<ArchiveChildrenConsumer, ArchiveChildrenConsumerDefinition>();
    }
}
