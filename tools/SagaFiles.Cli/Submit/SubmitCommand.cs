using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using SagaFiles.Processing;
using Spectre.Console;

namespace SagaFiles.Cli.Submit;

/// <summary>
/// <c>sagafiles submit FILE... [--wait] [--out DIR]</c>: sends files to a running stack (in parts over
/// <c>--resumable-over</c>), and with <c>--wait</c> follows each one's progress stream to its outcome and downloads its
/// results into DIR. Exit codes as <c>process</c>: 0 all accepted (and, waiting, all Completed), 1 a file failed, 2 usage.
/// </summary>
static class SubmitCommand
{
    public const string Usage = "Usage: sagafiles submit FILE... [--wait] [--out DIR] [--tag KEY=VALUE]... [--url URL] [--key-file FILE]";

    /// <summary>Where the local stack answers (./sagafiles up), unless <c>--url</c> or SAGAFILES_URL says otherwise.</summary>
    public const string DefaultUrl = "http://localhost:8080";

    /// <summary>Where <c>./sagafiles up</c> keeps its development key, unless <c>--key-file</c>, SAGAFILES_API_KEY_FILE or SAGAFILES_API_KEY say otherwise.</summary>
    public const string DefaultKeyFile = ".stack/api-key";

    /// <param name="handler">How requests reach the API (tests break connections with it); null: a plain socket handler.</param>
    public static Command Create(TextWriter output, TextWriter error, HttpMessageHandler? handler)
    {
        var files = new Argument<string[]>("FILE") { Description = "Files to send.", Arity = ArgumentArity.OneOrMore };
        var wait = new Option<bool>("--wait") { Description = "Follow each file to its outcome and download its results." };
        var outOption = new Option<string?>("--out", "-o") { Description = $"With --wait: the folder results go into (default ./{Program.DefaultOutput})." };
        var stack = new StackOptions();
        var command = new Command("submit", "Send files to a running SagaFiles stack; with --wait, follow them to their outcome and download the results.")
        {
            files, wait, outOption
        };
        stack.AddTo(command);
        command.SetAction(async (result, token) =>
        {
            if (result.GetValue(outOption) is not null && !result.GetValue(wait))
            {
                await UsageAsync(error, Usage, "--out needs --wait: results are downloaded once a file is Completed.");
                return Program.UsageError;
            }

            var settings = await stack.SettingsAsync(result, result.GetValue(wait) ? result.GetValue(outOption) ?? Program.DefaultOutput : null, error, Usage);
            return settings is null
                ? Program.UsageError
                : await ConnectAsync(settings, handler, client => RunAsync(result.GetValue(files)!, settings, client, output, token));
        });
        return command;
    }

    /// <summary>The API's clients for the settings' URL and key, for the length of <paramref name="run" />.</summary>
    internal static async Task<int> ConnectAsync(Settings settings, HttpMessageHandler? handler, Func<StackClient, Task<int>> run)
    {
        using var api = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false }, disposeHandler: handler is null)
        {
            BaseAddress = settings.Url, Timeout = TimeSpan.FromMinutes(10)
        };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Key);
        using var storage = new HttpClient();
        return await run(new StackClient(api, storage, TimeSpan.FromSeconds(1)));
    }

    /// <param name="Folder">Where results are written; null: they are not fetched.</param>
    internal sealed record Settings(Uri Url, string Key, string? Folder, IReadOnlyDictionary<string, string> Tags, long ResumableOver);

    /// <summary>The options <c>submit</c> and <c>watch</c> share: the stack, the key, tags and when a file goes in parts.</summary>
    internal sealed class StackOptions
    {
        readonly Option<string[]> _tags = new("--tag") { Description = "A tag KEY=VALUE for every file (repeatable).", AllowMultipleArgumentsPerToken = false };

        readonly Option<string> _url = new("--url")
        {
            Description = $"The API (default: SAGAFILES_URL, else {DefaultUrl}).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SAGAFILES_URL") is { Length: > 0 } set ? set : DefaultUrl
        };

        readonly Option<string?> _keyFile = new("--key-file")
        {
            Description = $"A file holding the API key (default: SAGAFILES_API_KEY, else SAGAFILES_API_KEY_FILE, else {DefaultKeyFile})."
        };

        readonly Option<long> _resumableOver = new("--resumable-over")
        {
            Description = "Files larger than this many bytes go in parts through POST /uploads (default: the API's plain upload limit, 100 MiB).",
            DefaultValueFactory = _ => StackClient.DefaultResumableOver
        };

        public void AddTo(Command command)
        {
            command.Options.Add(_tags);
            command.Options.Add(_url);
            command.Options.Add(_keyFile);
            command.Options.Add(_resumableOver);
        }

        /// <summary>The options checked before anything is sent; null (with the reason written) on a usage error.</summary>
        public Task<Settings?> SettingsAsync(ParseResult result, string? outputDirectory, TextWriter error, string usage) =>
            SubmitCommand.SettingsAsync(outputDirectory, result.GetValue(_tags) ?? [], result.GetValue(_url)!, result.GetValue(_keyFile),
                result.GetValue(_resumableOver), error, usage);
    }

    static async Task<Settings?> SettingsAsync(string? outputDirectory, string[] tags, string url, string? keyFile, long resumableOver,
        TextWriter error, string usage)
    {
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            return await UsageAsync(error, usage, $"--url {url}: an http or https URL is needed.");
        if (resumableOver < 1)
            return await UsageAsync(error, usage, "--resumable-over must be at least 1 byte.");
        var parsedTags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            var equals = tag.IndexOf('=');
            if (equals < 1 || tag.Contains(','))
                return await UsageAsync(error, usage, $"--tag {tag}: write KEY=VALUE, without commas.");
            parsedTags[tag[..equals]] = tag[(equals + 1)..];
        }

        var key = keyFile is null ? Environment.GetEnvironmentVariable("SAGAFILES_API_KEY") : null;
        if (string.IsNullOrWhiteSpace(key))
        {
            var file = keyFile ?? (Environment.GetEnvironmentVariable("SAGAFILES_API_KEY_FILE") is { Length: > 0 } set ? set : DefaultKeyFile);
            try
            {
                key = (await File.ReadAllTextAsync(file)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return await UsageAsync(error, usage, $"No API key: {file} cannot be read ({e.Message}); ./sagafiles up makes one, or set SAGAFILES_API_KEY.");
            }
        }

        string? folder = null;
        if (outputDirectory is not null)
            try
            {
                folder = Directory.CreateDirectory(outputDirectory).FullName;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return await UsageAsync(error, usage, $"--out {outputDirectory}: {e.Message}");
            }

        return new Settings(baseUrl, key.Trim(), folder, parsedTags, resumableOver);
    }

    internal static async Task<Settings?> UsageAsync(TextWriter error, string usage, string problem)
    {
        await error.WriteLineAsync(problem);
        await error.WriteLineAsync(usage);
        return null;
    }

    static async Task<int> RunAsync(string[] paths, Settings settings, StackClient client, TextWriter output, CancellationToken cancellationToken)
    {
        var submissions = paths.Select(p => new Submission(p, settings.Folder)).ToList();
        var bars = output == Console.Out && !Console.IsOutputRedirected ? AnsiConsole.Console : null;
        var work = bars is null
            ? SubmitAllAsync(submissions, settings, client, cancellationToken)
            : bars.Progress().AutoClear(true).HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .StartAsync(context => WithBarsAsync(context, submissions, SubmitAllAsync(submissions, settings, client, cancellationToken)));
        await work;

        var console = Program.ConsoleOn(output);
        foreach (var submission in submissions)
            Print(console, submission, settings.Folder is not null);
        var failed = submissions.Count(s => s.Error is not null);
        var failures = failed > 0 ? Invariant($"[red]{failed} failed[/]") : "0 failed";
        console.MarkupLine(settings.Folder is not null
            ? Invariant($"{submissions.Count} files: {submissions.Count - failed} completed, {failures}; {submissions.Sum(s => s.Results.Count)} results in {Markup.Escape(settings.Folder!)}")
            : Invariant($"{submissions.Count} files: {submissions.Count - failed} submitted, {failures}"));
        return failed > 0 ? Program.FileFailed : Program.Succeeded;
    }

    /// <summary>Sends the files one after the other; each one sent is followed (and its results fetched) while the next is sent.</summary>
    static async Task SubmitAllAsync(List<Submission> submissions, Settings settings, StackClient client, CancellationToken cancellationToken)
    {
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var following = new List<Task>();
        foreach (var submission in submissions)
        {
            // A key of its own: submitting the same file again is a new file, as asked.
            await SendAsync(submission, settings, client, Guid.NewGuid().ToString("N"), cancellationToken);
            if (settings.Folder is not null && submission is { Error: null, Id: { } id })
                following.Add(submission.Guard(() => FollowAsync(submission, id, client, claimed, cancellationToken)));
        }

        await Task.WhenAll(following);
    }

    /// <summary>Uploads the submission's file with the Idempotency-Key <paramref name="key" />; a failure is recorded in it.</summary>
    internal static Task SendAsync(Submission submission, Settings settings, StackClient client, string key, CancellationToken cancellationToken) =>
        submission.Guard(async () =>
        {
            submission.Size = new FileInfo(submission.Path).Length;
            submission.Phase = "uploading";
            (submission.Id, submission.InParts) = await client.SubmitAsync(submission.Path, settings.Tags, settings.ResumableOver, key,
                sent => submission.Sent = sent, cancellationToken);
            submission.Phase = "submitted";
        });

    /// <summary>Follows the file to its outcome and, when it completed, writes its results into the submission's folder.</summary>
    /// <param name="claimed">The result paths written in this run, refused a second time; null: a later file's result replaces an earlier one's.</param>
    internal static async Task FollowAsync(Submission submission, Guid id, StackClient client, HashSet<string>? claimed, CancellationToken cancellationToken)
    {
        var outcome = await client.FollowAsync(id, transition =>
            submission.Phase = transition.GetProperty("to").GetString() ?? submission.Phase, cancellationToken);
        submission.Outcome = outcome;
        submission.Phase = outcome.GetProperty("status").GetString() ?? "";
        if (submission.Phase != "Completed")
        {
            var step = outcome.TryGetProperty("currentStep", out var at) && at.GetString() is { } name ? $" at {name}" : "";
            submission.Error = $"Failed{step}: " + (outcome.TryGetProperty("errorMessage", out var reason) ? reason.GetString() : "no reason given");
            return;
        }

        if (submission.Folder is null)
        {
            submission.Phase = "done";
            return;
        }

        submission.Phase = "downloading";
        foreach (var result in outcome.GetProperty("outputs").EnumerateArray())
        {
            var name = result.GetProperty("name").GetString()!;
            // The same folder for every file, as `process` writes: two files making the same result fail instead of overwriting.
            var target = Path.GetFullPath(Path.Combine(submission.Folder!, FileNames.Sanitize(name)));
            if (claimed is not null)
                lock (claimed)
                    if (!claimed.Add(target))
                        throw new SubmitException($"Another file already wrote {target}: submit these files into separate folders.");
            await client.DownloadAsync(id, name, target, cancellationToken);
            submission.Results.Add(new OutputReport(name, target, result.GetProperty("format").GetString()!,
                result.TryGetProperty("rows", out var rows) && rows.ValueKind == JsonValueKind.Number ? rows.GetInt64() : null,
                result.GetProperty("size").GetInt64()));
        }

        submission.Phase = "done";
    }

    /// <summary>A bar per file: the bytes sent, then the state it is in, until every file is done.</summary>
    static async Task WithBarsAsync(ProgressContext context, List<Submission> submissions, Task work)
    {
        var bars = submissions.Select(s => (Submission: s, Bar: context.AddTask(Markup.Escape(System.IO.Path.GetFileName(s.Path))))).ToList();
        while (true)
        {
            foreach (var (submission, bar) in bars)
            {
                bar.Description = $"{Markup.Escape(System.IO.Path.GetFileName(submission.Path))} [grey]{Markup.Escape(submission.Phase)}[/]";
                bar.MaxValue = Math.Max(1, submission.Size);
                bar.Value = submission.Phase == "uploading" ? submission.Sent : bar.MaxValue;
            }

            if (work.IsCompleted)
                break;
            await Task.WhenAny(work, Task.Delay(100));
        }

        await work;
    }

    internal static void Print(IAnsiConsole console, Submission submission, bool wait)
    {
        var name = Markup.Escape(submission.Path);
        if (submission.Id is not { } id)
        {
            console.MarkupLine($"[bold]{name}[/]  [red]not submitted:[/] {Markup.Escape(submission.Error ?? "")}");
            return;
        }

        console.MarkupLine(Invariant($"[bold]{name}[/]  file {id}  {submission.Size:N0} bytes{(submission.InParts ? " in parts" : "")}"));
        if (submission.Outcome is { } outcome && outcome.TryGetProperty("sha256", out var sha) && sha.GetString() is { } sha256)
        {
            var type = outcome.TryGetProperty("detectedType", out var detected) ? detected.GetString() : null;
            var processor = outcome.TryGetProperty("processor", out var routed) ? routed.GetString() : null;
            console.MarkupLine($"  {Markup.Escape(type ?? "?")} -> {Markup.Escape(processor ?? "?")}  sha256 {sha256}");
        }

        if (submission.Error is not null)
            console.MarkupLine($"  [red]{Markup.Escape(submission.Error)}[/]");
        else if (!wait)
            console.MarkupLine($"  follow it: GET /files/{id}/progress");
        foreach (var result in submission.Results)
        {
            var rows = result.Rows is { } count ? Invariant($"{count:N0} rows, ") : "";
            console.MarkupLine(Invariant($"  [green]->[/] {Markup.Escape(result.Path)}  {rows}{result.Size:N0} bytes"));
        }

        if (submission.Outcome is { } archive && archive.TryGetProperty("archive", out var children) && children.ValueKind == JsonValueKind.Object
            && children.TryGetProperty("children", out var entries) && entries.ValueKind == JsonValueKind.Number)
            console.MarkupLine(Invariant($"  an archive of {entries.GetInt32()} files, each a file of its own: GET /files?parent={id}"));
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One file's way through the command; the bars read it from another thread.</summary>
    internal sealed class Submission(string path, string? folder)
    {
        public string Path { get; } = path;
        public string? Folder { get; } = folder;
        public long Size { get; set; }
        public long Sent { get => Interlocked.Read(ref _sent); set => Interlocked.Exchange(ref _sent, value); }
        public string Phase { get; set; } = "waiting";
        public Guid? Id { get; set; }
        public bool InParts { get; set; }
        public JsonElement? Outcome { get; set; }
        public List<OutputReport> Results { get; } = [];
        public string? Error { get; set; }

        long _sent;

        /// <summary>Runs a stage of this file; a failure is this file's outcome, not the command's end.</summary>
        public async Task Guard(Func<Task> stage)
        {
            try
            {
                await stage();
            }
            catch (Exception e) when (e is SubmitException or HttpRequestException or IOException or UnauthorizedAccessException
                                          or JsonException or KeyNotFoundException or InvalidOperationException
                                          or TaskCanceledException { CancellationToken.IsCancellationRequested: false })
            {
                Error = e is FileNotFoundException or DirectoryNotFoundException ? "The file does not exist." : e.Message;
            }
        }
    }
}
