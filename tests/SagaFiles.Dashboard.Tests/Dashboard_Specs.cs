using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace SagaFiles.Dashboard.Tests;

/// <summary>
/// The dashboard at / in headless chromium, as an operator uses it. Every page a spec opens must log no console error
/// (checked after each spec), and the pages must fit a phone's width.
/// </summary>
public class Dashboard_Specs
{
    static readonly TimeSpan Settles = TimeSpan.FromSeconds(60);

    readonly List<string> _consoleErrors = [];
    readonly List<IBrowserContext> _contexts = [];

    [TearDown]
    public async Task No_console_errors()
    {
        foreach (var context in _contexts)
            await context.DisposeAsync();
        _contexts.Clear();
        _consoleErrors.ShouldBeEmpty("the pages logged no console error");
    }

    [Test]
    public async Task A_csv_dropped_on_the_upload_page_shows_up_in_an_open_file_list_and_reaches_Completed_without_a_reload()
    {
        var list = await SignedInPageAsync();
        await list.GetByRole(AriaRole.Link, new() { Name = "Files", Exact = true }).First.ClickAsync();
        await Expect(list.GetByRole(AriaRole.Heading, new() { Name = "Files" })).ToBeVisibleAsync();
        await list.EvaluateAsync("() => window.stillTheSamePage = true");

        // Another tab (a key in sessionStorage is per tab) drops the file.
        var upload = await SignedInPageAsync();
        await upload.GetByRole(AriaRole.Link, new() { Name = "Upload" }).ClickAsync();
        var name = $"dropped-{Guid.NewGuid():N}.csv"[..20] + ".csv";
        await DropAsync(upload, name, "id,amount\n", "1,2.50\n", 2);
        // The API's first upload may take seconds on busy cores.
        await Expect(upload.GetByRole(AriaRole.Link, new() { Name = "follow it" })).ToBeVisibleAsync(new() { Timeout = (float)Settles.TotalMilliseconds });
        (await upload.GetByRole(AriaRole.Progressbar, new() { Name = $"Upload of {name}" }).GetAttributeAsync("value")).ShouldNotBe("0");

        var row = list.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Expect(row.Locator(".badge")).ToHaveTextAsync("Completed", new() { Timeout = (float)Settles.TotalMilliseconds });
        (await list.EvaluateAsync<bool>("() => window.stillTheSamePage === true")).ShouldBeTrue("the list was not reloaded");
    }

    [Test]
    public async Task A_files_page_shows_its_timeline_and_the_generated_state_machine_with_its_current_state_marked()
    {
        var id = await DashboardApp.UploadAsync("a,b\n1,2\n"u8.ToArray(), "timeline.csv");
        (await DashboardApp.WaitUntilSettledAsync(id)).ShouldBe("Completed");

        var page = await SignedInPageAsync();
        await page.GotoAsync($"{DashboardApp.Url}#/files/{id}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "timeline.csv" })).ToBeVisibleAsync();
        var timeline = page.GetByRole(AriaRole.List, new() { Name = "Timeline" }).GetByRole(AriaRole.Listitem);
        // Downloading, Completed: the download hashed and converted a file this small, and published the result.
        await Expect(timeline).ToHaveCountAsync(2);
        await Expect(timeline.Last).ToContainTextAsync("Downloading → Completed");

        // The graph is drawn from GET /state-machine: every node it lists, with the file's state marked.
        var graph = await DashboardApp.Api.GetFromJsonAsync<JsonElement>("state-machine");
        await Expect(page.Locator(".graph svg g[data-node]")).ToHaveCountAsync(graph.GetProperty("nodes").GetArrayLength());
        await Expect(page.Locator(".graph [aria-current=step]")).ToHaveAttributeAsync("data-node", "state:Completed");
        await Expect(page.Locator("#graph-desc")).ToHaveTextAsync("The file is in state Completed.");
        // The outcome came over the WebSocket, its key offered as a subprotocol.
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("timeline.csv is Completed.");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Download original" })).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "a file's page");
    }

    [Test]
    public async Task A_failed_files_group_is_retried_from_the_failures_page()
    {
        var id = await DashboardApp.UploadAsync([], $"empty-{Guid.NewGuid():N}.csv");
        (await DashboardApp.WaitUntilSettledAsync(id)).ShouldBe("Failed");

        var page = await SignedInPageAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Failures" }).ClickAsync();
        var group = page.GetByRole(AriaRole.Region).Filter(new() { HasText = "empty" }).Filter(new() { HasText = "Download:" });
        await Expect(group).ToHaveCountAsync(1);
        await group.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Retried");

        // The file went round again (and failed again: same content), its history naming the bulk retry.
        for (var deadline = DateTime.UtcNow + Settles; ; await Task.Delay(250))
        {
            var events = (await DashboardApp.Api.GetFromJsonAsync<JsonElement>($"files/{id}/events")).GetProperty("events").EnumerateArray().ToList();
            if (events.Any(e => e.GetProperty("note").GetString()?.Contains("Bulk retry") == true))
                break;
            (DateTime.UtcNow < deadline).ShouldBeTrue("the retry reached the file's history");
        }
    }

    [Test]
    public async Task An_error_queue_is_peeked_at_and_redriven_from_the_dead_letter_page()
    {
        var noise = new byte[4096];
        new Random(5).NextBytes(noise);
        var id = await DashboardApp.UploadAsync(noise, "noise.csv");
        (await DashboardApp.WaitUntilSettledAsync(id)).ShouldBe("Failed");

        var page = await SignedInPageAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Dead letters" }).ClickAsync();
        // The command reaches the error queue just after the file fails.
        var peek = page.GetByRole(AriaRole.Button, new() { Name = "Peek errors of convert-file" });
        for (var deadline = DateTime.UtcNow + Settles; !await peek.IsVisibleAsync(); await Task.Delay(500))
        {
            (DateTime.UtcNow < deadline).ShouldBeTrue("convert-file_error has the command");
            await page.GetByRole(AriaRole.Button, new() { Name = "Refresh counts" }).ClickAsync();
        }

        await peek.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "convert-file_error" })).ToBeVisibleAsync();
        await Expect(page.Locator("details pre").Filter(new() { HasText = id.ToString() }).First).ToBeAttachedAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Redrive errors of convert-file" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Moved [1-9]\d* messages back to convert-file\.$"));
    }

    [Test]
    public async Task Every_page_fits_a_phone_screen_and_starts_with_a_keyboard_reachable_skip_link()
    {
        await DashboardApp.WaitUntilSettledAsync(await DashboardApp.UploadAsync("n\n1\n"u8.ToArray(), "phone.csv"));
        var page = await SignedInPageAsync(phone: true);
        foreach (var (link, heading) in new[] { ("Files", "Files"), ("Upload", "Upload"), ("Failures", "Failures"), ("Dead letters", "Dead letters"), ("System", "System") })
        {
            await page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).First.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).First).ToHaveAttributeAsync("aria-current", "page");
            (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"))
                .ShouldBeTrue($"{link} fits 375 px without scrolling sideways (wide tables scroll inside their box)");
            await AssertAccessibleAsync(page, link);
        }

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Step latency" })).ToBeVisibleAsync();
        await page.ReloadAsync();
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("() => document.activeElement.textContent")).ShouldBe("Skip to content");
    }

    [Test]
    public async Task A_file_of_8_MiB_or_more_goes_through_the_resumable_route_part_by_part_and_completes()
    {
        var page = await SignedInPageAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Upload" }).ClickAsync();
        var parts = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Method == "PUT" && request.Url.Contains("/parts/", StringComparison.Ordinal))
                lock (parts)
                    parts.Add(request.Url);
        };
        await page.GetByLabel("Tags for these files").FillAsync("size=large");

        // 19.2 MB: three parts of the API's default 8 MiB, and long enough to read that its steps report while they run.
        await DropAsync(page, "large.csv", "n\n", "1234567\n", 2_400_000);
        await Expect(page.GetByText("resumable")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "follow it" }).ClickAsync(new() { Timeout = (float)Settles.TotalMilliseconds });
        // While a step reads the file, its page shows the step's progress (shown only while it runs: caught as it appears).
        var bar = page.WaitForSelectorAsync("#step-progress progress", new() { State = WaitForSelectorState.Attached, Timeout = (float)Settles.TotalMilliseconds });

        parts.Select(url => url[(url.LastIndexOf('/') + 1)..]).ShouldBe(["1", "2", "3"]);
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("large.csv is Completed.", new() { Timeout = (float)Settles.TotalMilliseconds });
        (await (await bar)!.GetAttributeAsync("aria-label")).ShouldBeOneOf("Checksum of large.csv", "Convert of large.csv");
        await Expect(page.Locator("#step-progress")).ToBeEmptyAsync();
        await Expect(page.Locator("dl.facts")).ToContainTextAsync("size=large");
    }

    /// <summary>axe-core's rules (labels, names, roles, contrast, ...) find nothing on the page as it is now.</summary>
    static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var results = await page.RunAxe();
        results.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")
            .ShouldBeEmpty($"axe finds no accessibility problem on {what}");
    }

    /// <summary>Drops a file on the upload page as a drag from the desktop would: <paramref name="header" />, then <paramref name="line" /> <paramref name="times" /> times.</summary>
    static Task DropAsync(IPage page, string name, string header, string line, int times) =>
        page.Locator("label.drop").EvaluateAsync("""
            (drop, [name, header, line, times]) => {
              const files = new DataTransfer();
              files.items.add(new File([header + line.repeat(times)], name, { type: "text/csv" }));
              drop.dispatchEvent(new DragEvent("drop", { dataTransfer: files, bubbles: true, cancelable: true }));
            }
            """, new object[] { name, header, line, times });

    /// <summary>A new tab (its own sessionStorage) signed in through the sign-in form, watched for console errors.</summary>
    async Task<IPage> SignedInPageAsync(bool phone = false)
    {
        var context = await DashboardApp.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = DashboardApp.Url.ToString(),
            ViewportSize = phone ? new ViewportSize { Width = 375, Height = 740 } : new ViewportSize { Width = 1280, Height = 900 }
        });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                lock (_consoleErrors)
                    _consoleErrors.Add($"{page.Url}: {message.Text}");
        };
        page.PageError += (_, error) =>
        {
            lock (_consoleErrors)
                _consoleErrors.Add($"{page.Url}: uncaught {error}");
        };
        await page.GotoAsync("/");
        await page.GetByLabel("API key").FillAsync(DashboardApp.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Files" })).ToBeVisibleAsync();
        return page;
    }

    static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
