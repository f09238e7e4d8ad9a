using System.Text.Json;
using SagaFiles.Testing;

namespace SagaFiles.Chaos.Tests;

/// <summary>/health/ready tells the truth: with Postgres down, the API and a worker answer 503 naming the check that failed.</summary>
public class Readiness_Specs
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Hosts_are_not_ready_while_postgres_is_down_and_ready_again_once_it_is_back()
    {
        await using var app = await SagaFilesProcesses.StartAsync("ready", workers: 1, new Dictionary<string, string>());
        using var worker = new HttpClient { BaseAddress = app.WorkerUrl(0) };
        var hosts = new[] { ("API", app.Api), ("worker", worker) };
        foreach (var (name, client) in hosts)
        {
            var ready = await WaitForReadinessAsync(client, HttpStatusCode.OK);
            // The API runs the bucket sources too (none configured here: healthy, saying so).
            string[] checks = name == "API" ? ["bus", "postgres", "s3", "bucket-sources"] : ["bus", "postgres", "s3"];
            CheckNames(ready).ShouldBe(checks, ignoreOrder: true, $"{name}: {ready}");
        }

        await TestStackSetUpFixture.Stack.StopPostgresAsync();
        try
        {
            foreach (var (name, client) in hosts)
            {
                var down = await WaitForReadinessAsync(client, HttpStatusCode.ServiceUnavailable);
                down.GetProperty("status").GetString().ShouldBe("Unhealthy", name);
                FailingChecks(down).ShouldBe(["postgres"], $"{name}: {down}");
                Check(down, "postgres").GetProperty("durationMs").GetDouble().ShouldBeLessThanOrEqualTo(3500, $"{name}: the check's timeout is 3 s");
            }
        }
        finally
        {
            await TestStackSetUpFixture.Stack.StartPostgresAsync();
        }

        foreach (var (name, client) in hosts)
        {
            var back = await WaitForReadinessAsync(client, HttpStatusCode.OK);
            FailingChecks(back).ShouldBeEmpty($"{name}: {back}");
        }
    }

    /// <summary>Polls /health/ready until it answers <paramref name="expected" />; returns its JSON.</summary>
    static async Task<JsonElement> WaitForReadinessAsync(HttpClient client, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var response = await client.GetAsync("health/ready");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == expected)
                return JsonDocument.Parse(body).RootElement.Clone();
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"{client.BaseAddress}health/ready answered {(int)response.StatusCode} {body}, not {(int)expected}, for {Patience.TotalSeconds:0} s.");
            await Task.Delay(250);
        }
    }

    static IEnumerable<JsonElement> Checks(JsonElement report) => report.GetProperty("checks").EnumerateArray();

    static string[] CheckNames(JsonElement report) => [.. Checks(report).Select(c => c.GetProperty("name").GetString()!)];

    static JsonElement Check(JsonElement report, string name) => Checks(report).Single(c => c.GetProperty("name").GetString() == name);

    static string[] FailingChecks(JsonElement report) =>
        [.. Checks(report).Where(c => c.GetProperty("status").GetString() != "Healthy").Select(c => c.GetProperty("name").GetString()!)];
}
