using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

// Usage: SAGAFILES_API_KEY=key SagaFiles.Bench.EndToEnd API-URL SAMPLES FILES [AWS-URL] [name=pid[=metrics-URL] ...]
// Latency: the first file alone (a fresh stack meets its code with it), then one 1 KB CSV at a time, upload to
// Completed, from the file's own timestamps (createdAt -> processedAt) and as the client saw it (POST sent -> Completed
// observed, polling that file every 10 ms). Throughput: FILES one-line CSVs uploaded 16 at a time, from the first POST
// to the last processedAt (the client polls the Completed count every 500 ms, one request per poll, so the watching
// costs the stack little). Around the throughput run it reads the CPU time of each named process tree (/proc:
// utime+stime of the tree, including reaped children such as Postgres backends), its own and the machine's (/proc/stat),
// and, with AWS-URL, the emulator's request counts by kind (scripts/fauxqs.mjs, FAUXQS_COUNT_REQUESTS=true) and, for a
// process named with its /metrics URL, what its runtime and Npgsql counted meanwhile: methods jitted and JIT time,
// garbage collections and their pauses, database connections opened.
var api = new Uri(args[0]);
var samples = int.Parse(args[1]);
var files = int.Parse(args[2]);
Uri? aws = args.Length > 3 && args[3] != "-" ? new Uri(args[3]) : null;
var named = args.Skip(4).Select(a => a.Split('=', 3)).ToList();
var processes = named.ToDictionary(a => a[0], a => int.Parse(a[1]));
var metricsUrls = named.Where(a => a.Length == 3).ToDictionary(a => a[0], a => new Uri(a[2]));
using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
    Environment.GetEnvironmentVariable("SAGAFILES_API_KEY") ?? throw new InvalidOperationException("Set SAGAFILES_API_KEY to a files:write,files:read key."));

var csv = CsvOfAbout1KB();
// The first file is kept out of the samples (on a fresh stack each host meets its code and connections with it) and
// shown on its own: users meet it first.
var firstClock = Stopwatch.StartNew();
var first = await Settle(http, await Upload(http, csv, "warmup.csv"));
var firstClient = firstClock.Elapsed.TotalMilliseconds;

if (samples > 0)
{
    Console.WriteLine($"first file, 1 KB CSV: server {ServerMilliseconds(first):F0} ms, client {firstClient:F0} ms");
    var server = new List<double>();
    var client = new List<double>();
    for (var i = 0; i < samples; i++)
    {
        var clock = Stopwatch.StartNew();
        var id = await Upload(http, csv, $"latency-{i}.csv");
        var file = await Settle(http, id);
        client.Add(clock.Elapsed.TotalMilliseconds);
        server.Add(ServerMilliseconds(file));
    }

    Console.WriteLine($"latency, 1 KB CSV, {samples} files one at a time: server p50 {Percentile(server, 50):F0} ms, p95 {Percentile(server, 95):F0} ms; "
        + $"client p50 {Percentile(client, 50):F0} ms, p95 {Percentile(client, 95):F0} ms");
}

if (files == 0)
    return 0;

var completedBefore = await CountCompleted(http);
using var emulator = aws is null ? null : new HttpClient { BaseAddress = aws };
if (emulator is not null)
    await emulator.DeleteAsync("/_requests");
// Scraped twice before the CPU is read: a host's first scrapes meet their own code (and count it as jitted).
await ScrapeAll(metricsUrls);
var metricsBefore = await ScrapeAll(metricsUrls);
var cpuBefore = processes.ToDictionary(p => p.Key, p => ProcessTreeCpu(p.Value));
var (machineBusyBefore, machineAllBefore) = MachineCpu();
var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
var started = DateTimeOffset.UtcNow;
var total = Stopwatch.StartNew();
var ids = new Guid[files];
await Parallel.ForAsync(0, files, new ParallelOptions { MaxDegreeOfParallelism = 16 },
    async (i, _) => ids[i] = await Upload(http, Encoding.UTF8.GetBytes($"n,square\n{i},{i * i}\n"), $"throughput-{i}.csv"));
var uploaded = total.Elapsed;
var deadline = DateTime.UtcNow.AddMinutes(10);
while (await CountCompleted(http) - completedBefore < files)
{
    if (DateTime.UtcNow > deadline)
        throw new TimeoutException($"Only {await CountCompleted(http) - completedBefore} of {files} files completed within 10 minutes");
    await Task.Delay(500);
}

var observed = total.Elapsed;
var cpuAfter = processes.ToDictionary(p => p.Key, p => ProcessTreeCpu(p.Value));
var (machineBusyAfter, machineAllAfter) = MachineCpu();
var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientBefore;
var metricsAfter = await ScrapeAll(metricsUrls);
var requests = emulator is null ? null : await emulator.GetFromJsonAsync<Dictionary<string, int>>("/_requests");
// The last processedAt the server recorded ends the run (the client only looks every 500 ms, so that it costs little).
var lastProcessed = await LastProcessedAt(http, files);
var elapsed = lastProcessed - started;

Console.WriteLine($"throughput, {files} one-line CSVs, 16 at a time: uploaded in {uploaded.TotalSeconds:F1} s, last Completed after {elapsed.TotalSeconds:F1} s "
    + $"= {files / elapsed.TotalSeconds:F1} files/s (seen by the client after {observed.TotalSeconds:F1} s)");
if (processes.Count > 0)
{
    var perFile = processes.Keys.ToDictionary(k => k, k => (cpuAfter[k] - cpuBefore[k]).TotalMilliseconds / files);
    var stackCpuMs = perFile.Values.Sum() * files;
    Console.WriteLine($"cpu per file: {string.Join(", ", perFile.Select(p => $"{p.Key} {p.Value:F1} ms"))}; total {perFile.Values.Sum():F1} ms "
        + $"({stackCpuMs / elapsed.TotalMilliseconds:F2} cores busy)");
    // Whether the stack had the cores to itself: the whole machine (/proc/stat), the stack and this client, each over the
    // span the CPU was read across (to the client's last look, a little longer than the server's span above).
    var machineCores = Environment.ProcessorCount * (machineBusyAfter - machineBusyBefore) / (double)(machineAllAfter - machineAllBefore);
    Console.WriteLine($"the machine meanwhile: {machineCores:F2} of {Environment.ProcessorCount} cores busy; the stack {stackCpuMs / observed.TotalMilliseconds:F2}, "
        + $"this client {clientCpu.TotalMilliseconds / observed.TotalMilliseconds:F2} ({clientCpu.TotalMilliseconds / files:F1} ms per file), anything else the rest");
    Console.WriteLine($"peak RSS so far, each process without its children (Postgres: the postmaster only): {string.Join(", ", processes.Select(p => $"{p.Key} {PeakResidentMegabytes(p.Value):F0} MB"))}");
}

if (metricsUrls.Count > 0)
{
    double During(string process, string metric) => metricsAfter[process].GetValueOrDefault(metric) - metricsBefore[process].GetValueOrDefault(metric);
    Console.WriteLine("during the burst: " + string.Join("; ", metricsUrls.Keys.Select(p =>
        $"{p} jitted {During(p, "dotnet_jit_compiled_methods_total"):F0} methods in {During(p, "dotnet_jit_compilation_time_seconds_total") * 1000:F0} ms, "
        + $"collected {During(p, "dotnet_gc_collections_total"):F0} times ({During(p, "dotnet_gc_pause_time_seconds_total") * 1000:F0} ms paused), "
        + $"opened {During(p, "db_client_connection_npgsql_create_time_seconds_count"):F0} connections")));
}

if (requests is not null)
{
    Console.WriteLine($"emulator requests per file ({requests.Values.Sum() / (double)files:F1} in all):");
    foreach (var (kind, count) in requests.OrderBy(r => r.Key, StringComparer.Ordinal))
        Console.WriteLine($"  {kind,-34} {count / (double)files,7:F2}");
}

return 0;

static async Task<Guid> Upload(HttpClient http, byte[] content, string name)
{
    var part = new ByteArrayContent(content);
    part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
    using var response = await http.PostAsync("/files", new MultipartFormDataContent { { part, "file", name } });
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
}

static async Task<JsonElement> Settle(HttpClient http, Guid id)
{
    var deadline = DateTime.UtcNow.AddMinutes(2);
    while (true)
    {
        var file = await http.GetFromJsonAsync<JsonElement>($"/files/{id}");
        switch (file.GetProperty("status").GetString())
        {
            case "Completed":
                return file;
            case "Failed":
                throw new InvalidOperationException($"File {id} failed: {file}");
        }

        if (DateTime.UtcNow > deadline)
            throw new TimeoutException($"File {id} did not complete: {file}");
        await Task.Delay(10);
    }
}

// Upload to Completed as the server recorded it.
static double ServerMilliseconds(JsonElement file) =>
    (file.GetProperty("processedAt").GetDateTimeOffset() - file.GetProperty("createdAt").GetDateTimeOffset()).TotalMilliseconds;

static async Task<int> CountCompleted(HttpClient http) =>
    (await http.GetFromJsonAsync<JsonElement>("/files?status=Completed&limit=1")).GetProperty("total").GetInt32();

// The newest files are the run's (newest first); the latest processedAt among them.
static async Task<DateTimeOffset> LastProcessedAt(HttpClient http, int files)
{
    var last = DateTimeOffset.MinValue;
    for (var page = 1; (page - 1) * 100 < files; page++)
    {
        var list = await http.GetFromJsonAsync<JsonElement>($"/files?status=Completed&limit=100&page={page}");
        foreach (var file in list.GetProperty("items").EnumerateArray().Take(files - (page - 1) * 100))
            last = new[] { last, file.GetProperty("processedAt").GetDateTimeOffset() }.Max();
    }

    return last;
}

// Each host's Prometheus counters, summed over their labels.
static async Task<Dictionary<string, Dictionary<string, double>>> ScrapeAll(Dictionary<string, Uri> urls)
{
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
    var scraped = new Dictionary<string, Dictionary<string, double>>();
    foreach (var (process, url) in urls)
    {
        var sums = new Dictionary<string, double>();
        foreach (var line in (await http.GetStringAsync(url)).Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            // name{labels} value [timestamp]
            var name = line[..line.IndexOfAny(['{', ' '])];
            var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
            if (double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var number))
                sums[name] = sums.GetValueOrDefault(name) + number;
        }

        scraped[process] = sums;
    }

    return scraped;
}

// The process's own high-water mark of resident memory (VmHWM), not its children's.
static double PeakResidentMegabytes(int pid) =>
    File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmHWM:")).Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0).Single();

// Ticks all cores spent busy (user, nice, system, irq, softirq, steal) and in all, from the first line of /proc/stat.
static (long Busy, long All) MachineCpu()
{
    var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
    var all = ticks.Sum();
    return (all - ticks[3] - ticks[4], all); // idle, iowait
}

// utime + stime of the process and every live descendant, plus what each has reaped (cutime + cstime).
static TimeSpan ProcessTreeCpu(int pid)
{
    var children = new Dictionary<int, List<int>>();
    var ticks = new Dictionary<int, long>();
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        if (!int.TryParse(Path.GetFileName(dir), out var id))
            continue;
        string stat;
        try
        {
            stat = File.ReadAllText(Path.Combine(dir, "stat"));
        }
        catch (IOException)
        {
            continue;
        }

        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var parent = int.Parse(fields[1]);
        ticks[id] = long.Parse(fields[11]) + long.Parse(fields[12]) + long.Parse(fields[13]) + long.Parse(fields[14]);
        if (!children.TryGetValue(parent, out var list))
            children[parent] = list = [];
        list.Add(id);
    }

    long total = 0;
    var pending = new Stack<int>([pid]);
    while (pending.TryPop(out var next))
    {
        total += ticks.GetValueOrDefault(next);
        foreach (var child in children.GetValueOrDefault(next) ?? [])
            pending.Push(child);
    }

    return TimeSpan.FromSeconds(total / 100.0); // USER_HZ is 100 on Linux
}

static double Percentile(List<double> values, int percentile)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

static byte[] CsvOfAbout1KB()
{
    var csv = new StringBuilder("id,name,price,active,seen\n");
    for (var i = 0; csv.Length < 1024; i++)
        csv.Append($"{i},item-{i},{i * 1.25:F2},{i % 2 == 0},2026-11-{i % 28 + 1:D2}T10:00:00Z\n");
    return Encoding.UTF8.GetBytes(csv.ToString());
}
