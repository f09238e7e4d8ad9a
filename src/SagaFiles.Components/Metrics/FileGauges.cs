using System.Diagnostics.Metrics;
using MassTransit.EntityFrameworkCoreIntegration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Data;
using SagaFiles.Components.Steps;

namespace SagaFiles.Components.Metrics;

/// <summary>
/// Gauges of what the database holds, read every <see cref="MetricsOptions.RefreshInterval" /> with three grouped queries
/// (never per scrape): files by status and tenant, the age of the oldest file in each step (a file stuck in a step
/// shows here whatever its queue says), and the outbox's backlog and the age of its oldest message. The same on every
/// instance that runs it (the API): aggregate with <c>max</c>, not <c>sum</c>.
/// </summary>
public sealed class FileGauges : BackgroundService
{
    public const string MeterName = "SagaFiles.Database";

    readonly IServiceScopeFactory _scopes;
    readonly TimeProvider _clock;
    readonly MetricsOptions _options;
    readonly ILogger<FileGauges> _logger;
    readonly Meter _meter;
    volatile Snapshot _snapshot = Snapshot.Empty;

    public FileGauges(IServiceScopeFactory scopes, TimeProvider clock, IOptions<MetricsOptions> options, IMeterFactory meters, ILogger<FileGauges> logger)
    {
        (_scopes, _clock, _options, _logger) = (scopes, clock, options.Value, logger);
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("sagafiles.files", () => _snapshot.Files, "{file}", "Files by status and tenant.");
        _meter.CreateObservableGauge("sagafiles.step.oldest_age", () => _snapshot.OldestInStep, "s",
            "Age of the oldest attempt in progress, by step: how long the file that waits longest has been at it.");
        _meter.CreateObservableGauge("sagafiles.outbox.messages", () => _snapshot.OutboxMessages, "{message}",
            "Messages written to the transactional outbox and not yet delivered to the broker.");
        _meter.CreateObservableGauge("sagafiles.outbox.oldest_age", () => _snapshot.OutboxOldest, "s",
            "Age of the oldest undelivered outbox message (0 when none).");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.RefreshInterval, _clock);
        do
        {
            try
            {
                _snapshot = await ReadAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The last reading stays: a database that is away shows in the readiness check, not as zeros here.
                _logger.LogWarning(e, "Could not read the file gauges");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    async Task<Snapshot> ReadAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>();
        var now = _clock.GetUtcNow();

        var byState = await db.Files.AsNoTracking().GroupBy(f => new { f.Tenant, f.CurrentState })
            .Select(g => new { g.Key.Tenant, g.Key.CurrentState, Count = g.Count() }).ToListAsync(ct);
        // Every status shows, zero included, for each tenant seen: a series that vanishes cannot fire an alert.
        var files = byState.GroupBy(x => x.Tenant).SelectMany(tenant => Enum.GetValues<FileStatus>().Select(status => new Measurement<long>(
                tenant.Where(x => FileStates.StatusOf(x.CurrentState) == status).Sum(x => (long)x.Count),
                new("status", status.ToString()), new("tenant", tenant.Key))))
            .ToList();

        // Naming the tenants lets the (tenant, state) index find the files in a step: without them Postgres 15 reads the
        // whole index (0.35-0.5 s at 1 M files, against 65 ms with them, measured on two busy cores).
        var stepStates = FileSteps.States.ToArray();
        var tenants = byState.Select(x => x.Tenant).Distinct().ToArray();
        var oldest = await db.Files.AsNoTracking()
            .Where(f => tenants.Contains(f.Tenant) && stepStates.Contains(f.CurrentState) && f.StepStartedAt != null)
            .GroupBy(f => f.CurrentState).Select(g => new { State = g.Key, Started = g.Min(f => f.StepStartedAt) }).ToListAsync(ct);
        var oldestInStep = FileSteps.All.Select(step => new Measurement<double>(
                oldest.SingleOrDefault(x => x.State == step.State)?.Started is { } started ? Math.Max(0, (now - started).TotalSeconds) : 0,
                new KeyValuePair<string, object?>("step", step.Name)))
            .ToList();

        var outbox = db.Set<OutboxMessage>().AsNoTracking();
        var backlog = await outbox.LongCountAsync(ct);
        var sent = await outbox.MinAsync(m => (DateTime?)m.SentTime, ct);
        var outboxAge = sent is { } first ? Math.Max(0, (now.UtcDateTime - DateTime.SpecifyKind(first, DateTimeKind.Utc)).TotalSeconds) : 0;
        return new Snapshot(files, oldestInStep, [new(backlog)], [new(outboxAge)]);
    }

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    sealed record Snapshot(
        IReadOnlyList<Measurement<long>> Files,
        IReadOnlyList<Measurement<double>> OldestInStep,
        IReadOnlyList<Measurement<long>> OutboxMessages,
        IReadOnlyList<Measurement<double>> OutboxOldest)
    {
        public static readonly Snapshot Empty = new([], [], [new(0)], [new(0)]);
    }
}
