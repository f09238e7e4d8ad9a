using System.Data.Common;
using FastEndpoints;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SagaFiles.Components.Data;
using SagaFiles.ServiceDefaults;

namespace SagaFiles.Api.Features.Stats.Get;

/// <summary>
/// GET /stats?minutes=60: throughput, success rate and step latency percentiles of every tenant's files that finished in
/// the window (two grouped queries on the files table), and the depth of every queue (SQS, read now).
/// </summary>
public sealed class Endpoint(SagaFilesDbContext db, QueueDepths queues, TimeProvider clock) : Endpoint<Request, Response>
{
    // A Completed or Failed file's row last changed when it finished: updated_at dates the outcome.
    const string PerMinuteSql = """
        select date_trunc('minute', updated_at) as at,
               count(*) filter (where current_state = @completed), count(*) filter (where current_state = @failed)
        from files where updated_at >= @since and current_state in (@completed, @failed)
        group by 1 order by 1
        """;

    // Each step record holds the duration of the file's last attempt at the step (a step that never finished has none).
    const string StepsSql = """
        select s ->> 'step', count(*),
               percentile_cont(0.5) within group (order by (s ->> 'durationMs')::float8),
               percentile_cont(0.95) within group (order by (s ->> 'durationMs')::float8),
               percentile_cont(0.99) within group (order by (s ->> 'durationMs')::float8)
        from files f cross join lateral jsonb_array_elements(f.steps) s
        where f.updated_at >= @since and f.current_state in (@completed, @failed) and s ->> 'durationMs' is not null
        group by 1
        """;

    public override void Configure()
    {
        Get("/stats");
        Policies(ApiScopes.Admin);
        Description(d => d.Produces<Response>(200).ProducesProblemDetails(400));
        Summary(s => s.Summary = "Throughput, success rate, step latency percentiles and queue depths (all tenants)");
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        var since = clock.GetUtcNow().AddMinutes(-request.Minutes);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var perMinute = await QueryAsync(connection, PerMinuteSql, since, r => new Minute(r.GetFieldValue<DateTimeOffset>(0), r.GetInt64(1), r.GetInt64(2)), ct);
            var steps = await QueryAsync(connection, StepsSql, since, r => new StepLatency(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4)), ct);
            var order = FileSteps.All.Select(s => s.Name).ToList();
            var (completed, failed) = (perMinute.Sum(m => m.Completed), perMinute.Sum(m => m.Failed));
            await Send.OkAsync(new Response(since, request.Minutes, completed, failed, (completed + failed) / (double)request.Minutes,
                completed + failed == 0 ? null : completed / (double)(completed + failed), perMinute,
                steps.OrderBy(s => order.IndexOf(s.Step) is var i && i < 0 ? int.MaxValue : i).ToList(),
                (await queues.ReadAsync(ct)).OrderBy(q => q.Queue, StringComparer.Ordinal).ToList()), ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    static async Task<List<T>> QueryAsync<T>(DbConnection connection, string sql, DateTimeOffset since, Func<DbDataReader, T> read, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection);
        command.Parameters.AddWithValue("since", since);
        command.Parameters.AddWithValue("completed", FileStates.Completed);
        command.Parameters.AddWithValue("failed", FileStates.Failed);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(read(reader));
        return rows;
    }
}
