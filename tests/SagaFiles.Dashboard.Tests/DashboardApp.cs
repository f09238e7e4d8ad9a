using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SagaFiles.DevStack;
using SagaFiles.Testing;

namespace SagaFiles.Dashboard.Tests;

/// <summary>
/// The API and one worker as processes on the test stack (a browser needs a real port), and one headless chromium, for
/// the assembly. Chromium is Debian's (/usr/bin/chromium, or SAGAFILES_CHROMIUM): Playwright's own download cannot work here.
/// </summary>
[SetUpFixture]
public sealed class DashboardApp : TestStackSetUpFixture
{
    static readonly List<SupervisedProcess> Hosts = [];
    static IPlaywright? _playwright;

    public static Uri Url { get; private set; } = null!;

    /// <summary>A key with every scope (the dead-letter and system pages need admin) of <see cref="Tenant" />.</summary>
    public static string AdminKey { get; private set; } = "";

    public const string Tenant = "dash";

    public static IBrowser Browser { get; private set; } = null!;

    /// <summary>The API as the tests' own client, with <see cref="AdminKey" />.</summary>
    public static HttpClient Api { get; } = new();

    [OneTimeSetUp]
    public async Task StartApp()
    {
        var settings = await Stack.HostSettingsAsync("dash");
        // The large file's steps report while they run, so its page shows a progress bar: as often as allowed, since its
        // checksum and its (parallel) conversion each take well under a second.
        settings["Processing__ProgressInterval"] = "00:00:00.050"; // the shortest it may be
        var port = Tools.FreePort();
        Hosts.Add(await HostProcess.StartAsync(HostProcess.Api, "dash api", port, settings));
        Url = new Uri($"http://127.0.0.1:{port}/");
        AdminKey = await HostProcess.CreateApiKeyAsync(settings, Tenant, "admin,files:read,files:write");
        Api.BaseAddress = Url;
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Hosts.Add(await HostProcess.StartAsync(HostProcess.Worker, "dash worker", Tools.FreePort(), settings));

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("SAGAFILES_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true
        });
    }

    [OneTimeTearDown]
    public async Task StopApp()
    {
        if (Browser != null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        foreach (var host in Hosts)
            await host.DisposeAsync();
        Api.Dispose();
    }

    /// <summary>POST /files as the tests' client (not through the browser): the new file's id.</summary>
    public static async Task<Guid> UploadAsync(byte[] content, string name)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(content), "file", name } };
        var response = await Api.PostAsync("files", form);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Polls GET /files/{id} until the file is Completed or Failed; its status.</summary>
    public static async Task<string> WaitUntilSettledAsync(Guid id)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            var status = (await Api.GetFromJsonAsync<JsonElement>($"files/{id}")).GetProperty("status").GetString()!;
            if (status is "Completed" or "Failed")
                return status;
        }

        throw new TimeoutException($"File {id} did not settle within 60 s.");
    }
}
