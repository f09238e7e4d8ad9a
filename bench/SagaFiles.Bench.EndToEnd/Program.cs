using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

// Usage: SagaFiles.Bench.EndToEnd [api-url] [latency-samples] [throughput-files]
// Latency: one 1 KB CSV at a time, upload to Completed, from the file's own timestamps (createdAt -> processedAt)
// and as the client saw it (POST sent -> Completed observed, polling every 10 ms). Throughput: N small files uploaded
// 16 at a time, from the first POST to the last Completed.
var api = new Uri(args.Length > 0 ? args[0] : "http://localhost:8080");
var samples = args.Length > 1 ? int.Parse(args[1]) : 50;
var files = args.Length > 2 ? int.Parse(args[2]) : 200;
using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };

var csv = CsvOfAbout1KB();
await Upload(http, csv, "warmup.csv").ContinueWith(t => Settle(http, t.Result)).Unwrap();

var server = new List<double>();
var client = new List<double>();
for (var i = 0; i < samples; i++)
{
    var clock = Stopwatch.StartNew();
    var id = await Upload(http, csv, $"latency-{i}.csv");
    var file = await Settle(http, id);
    client.Add(clock.Elapsed.TotalMilliseconds);
    server.Add((file.GetProperty("processedAt").GetDateTimeOffset() - file.GetProperty("createdAt").GetDateTimeOffset()).TotalMilliseconds);
}

Console.WriteLine($"latency, 1 KB CSV, {samples} files one at a time: server p50 {Percentile(server, 50):F0} ms, p95 {Percentile(server, 95):F0} ms; "
    + $"client p50 {Percentile(client, 50):F0} ms, p95 {Percentile(client, 95):F0} ms");

var total = Stopwatch.StartNew();
var ids = new Guid[files];
await Parallel.ForAsync(0, files, new ParallelOptions { MaxDegreeOfParallelism = 16 },
    async (i, _) => ids[i] = await Upload(http, Encoding.UTF8.GetBytes($"n,square\n{i},{i * i}\n"), $"throughput-{i}.csv"));
var uploaded = total.Elapsed;
await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) => await Settle(http, id));
Console.WriteLine($"throughput, {files} small CSV files: uploaded in {uploaded.TotalSeconds:F1} s, all Completed in {total.Elapsed.TotalSeconds:F1} s "
    + $"= {files / total.Elapsed.TotalSeconds:F1} files/s");
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
