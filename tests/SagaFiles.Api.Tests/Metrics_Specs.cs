using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SagaFiles.Api.Security;

namespace SagaFiles.Api.Tests;

/// <summary>GET /metrics on the API and on every worker: the counters, histograms and gauges move as files flow.</summary>
public partial class Metrics_Specs
{
    static readonly HttpClient Anonymous = new();

    [Test]
    public async Task An_upload_moves_the_upload_step_and_conversion_metrics()
    {
        // Three rows over the download's 64 KiB first read, so every step runs (a smaller file's download hashes it).
        var name = new string('n', 25_000);
        var csv = Encoding.UTF8.GetBytes($"id,name\n1,a{name}\n2,b{name}\n3,c{name}\n");
        var api = await Scrape(SagaFilesApp.Api);
        var workers = await ScrapeWorkers();

        var id = await Files.Upload(csv, "metrics.csv");
        (await Files.WaitUntilSettled(id)).GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));

        var apiAfter = await Scrape(SagaFilesApp.Api);
        Sum(apiAfter, "sagafiles_uploads_total", ("tenant", SagaFilesApp.Tenant))
            .ShouldBeGreaterThanOrEqualTo(Sum(api, "sagafiles_uploads_total", ("tenant", SagaFilesApp.Tenant)) + 1);
        Sum(apiAfter, "sagafiles_uploaded_bytes_total", ("tenant", SagaFilesApp.Tenant))
            .ShouldBeGreaterThanOrEqualTo(Sum(api, "sagafiles_uploaded_bytes_total", ("tenant", SagaFilesApp.Tenant)) + csv.Length);

        // The steps ran in the workers: their histograms, the saga's attempts and the conversion's rows moved there (a
        // step's duration is recorded as its consumer returns, which may be just after the saga heard of its result); the
        // download's first attempt started in the API, which recorded the file at its download.
        var workersAfter = await ScrapeUntil(ScrapeWorkers, metrics => FileSteps.All.All(step =>
            Sum(metrics, "sagafiles_step_duration_seconds_count", ("step", step.Name)) > Sum(workers, "sagafiles_step_duration_seconds_count", ("step", step.Name))));
        foreach (var step in FileSteps.All)
        {
            Sum(workersAfter, "sagafiles_step_duration_seconds_count", ("step", step.Name), ("outcome", "completed"))
                .ShouldBeGreaterThan(Sum(workers, "sagafiles_step_duration_seconds_count", ("step", step.Name), ("outcome", "completed")), step.Name);
            (Sum(apiAfter, "sagafiles_step_attempts_total", ("step", step.Name)) + Sum(workersAfter, "sagafiles_step_attempts_total", ("step", step.Name)))
                .ShouldBeGreaterThan(Sum(api, "sagafiles_step_attempts_total", ("step", step.Name)) + Sum(workers, "sagafiles_step_attempts_total", ("step", step.Name)),
                    step.Name);
        }

        Sum(workersAfter, "sagafiles_step_duration_seconds_bucket", ("step", FileSteps.Convert), ("outcome", "completed"), ("le", "+Inf"))
            .ShouldBe(Sum(workersAfter, "sagafiles_step_duration_seconds_count", ("step", FileSteps.Convert), ("outcome", "completed")));
        Sum(workersAfter, "sagafiles_converted_rows_total", ("processor", "parquet"))
            .ShouldBeGreaterThanOrEqualTo(Sum(workers, "sagafiles_converted_rows_total", ("processor", "parquet")) + 3);
        Sum(workersAfter, "sagafiles_converted_input_bytes_total", ("processor", "parquet"))
            .ShouldBeGreaterThanOrEqualTo(Sum(workers, "sagafiles_converted_input_bytes_total", ("processor", "parquet")) + csv.Length);
        Sum(workersAfter, "sagafiles_files_finished_total", ("outcome", "completed"))
            .ShouldBeGreaterThan(Sum(workers, "sagafiles_files_finished_total", ("outcome", "completed")));
    }

    [Test]
    public async Task A_forced_fault_shows_in_the_error_queue_depth_the_fault_counters_and_the_files_gauge()
    {
        var workers = await ScrapeWorkers();
        var id = await Files.Upload([], "metrics-empty.csv");
        (await Files.WaitUntilSettled(id)).GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Failed));

        // The empty file's download faulted for good: its command waits in download-file_error.
        var errorQueue = FileSteps.Named(FileSteps.Download).Queue + "_error";
        var api = await ScrapeUntil(() => Scrape(SagaFilesApp.Api), metrics => Sum(metrics, "sagafiles_queue_messages", ("queue", errorQueue), ("kind", "error")) >= 1
            && Sum(metrics, "sagafiles_files", ("status", nameof(FileStatus.Failed)), ("tenant", SagaFilesApp.Tenant)) >= 1);
        Samples(api, "sagafiles_queue_in_flight").ShouldNotBeEmpty();
        Samples(api, "sagafiles_outbox_messages").Count.ShouldBe(1);
        Samples(api, "sagafiles_step_oldest_age_seconds").Select(s => s.Labels["step"]).Order().ShouldBe(FileSteps.All.Select(s => s.Name).Order());

        var workersAfter = await ScrapeUntil(ScrapeWorkers, metrics => Sum(metrics, "sagafiles_step_duration_seconds_count", ("step", FileSteps.Download))
            > Sum(workers, "sagafiles_step_duration_seconds_count", ("step", FileSteps.Download)));
        Sum(workersAfter, "sagafiles_step_faults_total", ("step", FileSteps.Download), ("reason_class", "permanent"))
            .ShouldBeGreaterThan(Sum(workers, "sagafiles_step_faults_total", ("step", FileSteps.Download), ("reason_class", "permanent")));
        Sum(workersAfter, "sagafiles_step_duration_seconds_count", ("step", FileSteps.Download), ("outcome", "permanent"))
            .ShouldBeGreaterThan(Sum(workers, "sagafiles_step_duration_seconds_count", ("step", FileSteps.Download), ("outcome", "permanent")));
        Sum(workersAfter, "sagafiles_files_finished_total", ("outcome", "failed"), ("step", FileSteps.Download))
            .ShouldBeGreaterThan(Sum(workers, "sagafiles_files_finished_total", ("outcome", "failed"), ("step", FileSteps.Download)));
    }

    [Test]
    public async Task Every_host_reports_its_runtime_and_its_database_connections()
    {
        var id = await Files.Upload("id\n1\n"u8.ToArray(), "metrics-runtime.csv");
        (await Files.WaitUntilSettled(id)).GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));

        foreach (var host in new[] { await Scrape(SagaFilesApp.Api), await ScrapeWorkers() })
        {
            Sum(host, "dotnet_jit_compiled_methods_total").ShouldBeGreaterThan(0);
            Sum(host, "dotnet_gc_heap_total_allocated_bytes_total").ShouldBeGreaterThan(0);
            Sum(host, "dotnet_thread_pool_work_item_count_total").ShouldBeGreaterThan(0);
            // The API inserted the file, a worker's saga moved it: each opened connections to Postgres.
            Sum(host, "db_client_connection_npgsql_create_time_seconds_count").ShouldBeGreaterThan(0);
            Samples(host, "db_client_connection_max").ShouldNotBeEmpty();
        }
    }

    [Test]
    public async Task Remote_callers_need_the_admin_scope_loopback_callers_nothing()
    {
        using var anonymous = SagaFilesApp.ClientWith(null);
        using var filesOnly = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync(SagaFilesApp.Tenant, [ApiScopes.FilesRead, ApiScopes.FilesWrite]));
        var refused = await anonymous.GetAsync("/metrics");
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
        (await filesOnly.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var admin = await SagaFilesApp.Api.GetAsync("/metrics");
        admin.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.Content.ReadAsStringAsync()).ShouldContain("# TYPE sagafiles_uploads_total counter");

        await using (var local = SagaFilesApp.NewApi(new Dictionary<string, string>(), FromLoopback))
        using (var client = SagaFilesApp.ClientWith(null, local))
            (await client.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await using (var strict = SagaFilesApp.NewApi(new Dictionary<string, string> { ["Auth:AnonymousMetricsFromLoopback"] = "false" }, FromLoopback))
        using (var client = SagaFilesApp.ClientWith(null, strict))
        {
            (await client.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await client.GetAsync("/files")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "loopback opens /metrics only");
        }

        // A worker's port serves health and metrics only, to anyone who can reach it.
        foreach (var worker in SagaFilesApp.WorkerUrls)
            (await Anonymous.GetAsync(new Uri(worker, "/metrics"))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>The test server's requests come from no address: these arrive from 127.0.0.1, as a local Prometheus' would.</summary>
    static void FromLoopback(IServiceCollection services) => services.AddSingleton<IStartupFilter, LoopbackConnection>();

    sealed class LoopbackConnection : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    static async Task<List<Sample>> Scrape(HttpClient client, Uri? url = null)
    {
        var response = await client.GetAsync(url ?? new Uri("/metrics", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return Parse(await response.Content.ReadAsStringAsync());
    }

    static async Task<List<Sample>> ScrapeWorkers()
    {
        var all = new List<Sample>();
        foreach (var worker in SagaFilesApp.WorkerUrls)
            all.AddRange(await Scrape(Anonymous, new Uri(worker, "/metrics")));
        return all;
    }

    static async Task<List<Sample>> ScrapeUntil(Func<Task<List<Sample>>> scrape, Func<List<Sample>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var samples = await scrape();
            if (done(samples))
                return samples;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The metrics never showed it:\n" + string.Join('\n', samples.Where(s => s.Name.StartsWith("sagafiles_", StringComparison.Ordinal))));
            await Task.Delay(500);
        }
    }

    static List<Sample> Samples(IEnumerable<Sample> samples, string name) => samples.Where(s => s.Name == name).ToList();

    /// <summary>The sum of the samples named <paramref name="name" /> that carry every one of <paramref name="labels" />.</summary>
    static double Sum(IEnumerable<Sample> samples, string name, params (string Key, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    static List<Sample> Parse(string text) =>
        [.. text.Split('\n').Where(line => line.Length > 0 && line[0] != '#').Select(line => SampleLine().Match(line)).Where(m => m.Success)
            .Select(m => new Sample(m.Groups["name"].Value,
                LabelPair().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value),
                double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)))];

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(\w+)="((?:[^"\\]|\\.)*)"(?:,|$)""")]
    private static partial Regex LabelPair();
}
