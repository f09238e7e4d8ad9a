using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SagaFiles.Cli.Submit;
using SagaFiles.Processing;
using SagaFiles.Processing.Processors;
using SagaFiles.Processing.Routing;
using Spectre.Console;

namespace SagaFiles.Cli;

/// <summary>
/// <c>sagafiles process FILE... [--out DIR] [--json]</c> and <c>sagafiles submit FILE... [--wait]</c> (<see cref="SubmitCommand" />).
/// Exit codes: 0 all processed, 1 a file failed, 2 usage.
/// </summary>
public static class Program
{
    public const int Succeeded = 0;
    public const int FileFailed = 1;
    public const int UsageError = 2;

    public const string DefaultOutput = "sagafiles-out";

    const string ProcessUsage = "Usage: sagafiles process FILE... [--out DIR] [--json] [--settings FILE]";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
    };

    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error, CancellationToken.None);

    /// <summary>Runs the command line with its output and errors sent to the given writers (tests read them).</summary>
    /// <param name="stackHandler">How <c>submit</c> reaches the API; null: a plain socket handler (tests break connections with their own).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken,
        HttpMessageHandler? stackHandler = null)
    {
        var files = new Argument<string[]>("FILE") { Description = "Files to process.", Arity = ArgumentArity.OneOrMore };
        var outOption = new Option<string>("--out", "-o")
        {
            Description = "Folder the results are written into.", DefaultValueFactory = _ => DefaultOutput
        };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON document instead of the lines per file." };
        var settingsOption = new Option<string?>("--settings")
        {
            Description = "A JSON file with the worker's Processing section (Routes, Limits, Archives); Processing__* environment variables apply too."
        };
        var process = new Command("process", "Detect, checksum, route and process files locally, as the worker does, with no stack running.")
        {
            files, outOption, jsonOption, settingsOption
        };
        var root = new RootCommand("SagaFiles from the command line: files processed here, or sent to a running stack.")
        {
            process, SubmitCommand.Create(output, error, stackHandler), WatchCommand.Create(output, error, stackHandler)
        };
        process.SetAction((result, token) => ProcessAsync(result.GetValue(files)!, result.GetValue(outOption)!, result.GetValue(jsonOption),
            result.GetValue(settingsOption), output, error, token));

        var parsed = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = output, Error = error };
        if (parsed.Errors.Count > 0 || parsed.CommandResult.Command == root)
        {
            foreach (var problem in parsed.Errors)
                await error.WriteLineAsync(problem.Message);
            if (parsed.Errors.Count == 0 && args.Any(a => a is "-h" or "--help" or "-?" or "--version"))
                return await parsed.InvokeAsync(invocation, cancellationToken);
            await error.WriteLineAsync(UsageOf(parsed.CommandResult.Command));
            return UsageError;
        }

        // An unknown option would otherwise be taken for a file name (FILE takes any number of tokens).
        // Raw tokens: with --help the argument has no value to convert.
        var unknown = parsed.CommandResult.Command.Arguments.SelectMany(a => parsed.GetResult(a)?.Tokens ?? [])
            .Select(t => t.Value).FirstOrDefault(f => f.StartsWith('-'));
        if (unknown is not null)
        {
            await error.WriteLineAsync($"Unknown option '{unknown}' (a file whose name starts with '-': write ./{unknown}).");
            await error.WriteLineAsync(UsageOf(parsed.CommandResult.Command));
            return UsageError;
        }

        return await parsed.InvokeAsync(invocation, cancellationToken);
    }

    static string UsageOf(Command command) => command.Name switch
    {
        "process" => ProcessUsage,
        "submit" => SubmitCommand.Usage,
        "watch" => WatchCommand.Usage,
        _ => ProcessUsage + "\n       " + SubmitCommand.Usage["Usage: ".Length..]
    };

    static async Task<int> ProcessAsync(string[] files, string outputDirectory, bool json, string? settings, TextWriter output,
        TextWriter error, CancellationToken cancellationToken)
    {
        ProcessorSelector selector;
        try
        {
            selector = ProcessingSettings.Load(settings);
        }
        catch (InvalidDataException e)
        {
            await error.WriteLineAsync($"Settings{(settings is null ? "" : " (" + settings + ")")}: {e.Message}");
            return UsageError;
        }

        string folder;
        try
        {
            folder = Directory.CreateDirectory(outputDirectory).FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            await error.WriteLineAsync($"--out {outputDirectory}: {e.Message}");
            return UsageError;
        }

        var run = new LocalRun(selector, folder);
        var console = json ? null : ConsoleOn(output);
        var bars = console is not null && output == Console.Out && !Console.IsOutputRedirected ? AnsiConsole.Console : null;
        var reports = new List<FileReport>();
        foreach (var file in files)
        {
            var fileReports = bars is null
                ? await run.ProcessAsync(file, cancellationToken)
                : await WithProgressBarAsync(bars, run, file, cancellationToken);
            reports.AddRange(fileReports);
            if (console is not null)
                foreach (var report in fileReports)
                    Print(console, report);
        }

        var failed = reports.Count(r => !r.Succeeded);
        var outputs = reports.Sum(r => r.Outputs.Count);
        if (json)
            await output.WriteLineAsync(JsonSerializer.Serialize(new RunReport(folder, reports.Count, failed, outputs, reports), Json));
        else
        {
            var failures = failed > 0 ? Invariant($"[red]{failed} failed[/]") : "0 failed";
            console!.MarkupLine(Invariant($"{reports.Count} files: {reports.Count - failed} processed, {failures}; {outputs} outputs in {Markup.Escape(folder)}"));
        }
        return failed > 0 ? FileFailed : Succeeded;
    }

    /// <summary>On a terminal: a bar for the file while it runs (the stream being read, its position and the step), then
    /// cleared for the file's lines.</summary>
    static Task<IReadOnlyList<FileReport>> WithProgressBarAsync(IAnsiConsole console, LocalRun run, string file, CancellationToken cancellationToken) =>
        console.Progress().AutoClear(true).HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var name = Markup.Escape(Path.GetFileName(file));
                var bar = context.AddTask(name);
                var work = run.ProcessAsync(file, cancellationToken);
                while (!work.IsCompleted)
                {
                    if (run.Progress is { } progress)
                    {
                        bar.Description = $"{name} [grey]{Markup.Escape(progress.Phase)}[/]";
                        bar.MaxValue = Math.Max(1, progress.Total);
                        bar.Value = progress.Done;
                    }

                    await Task.WhenAny(work, Task.Delay(100, cancellationToken));
                }

                bar.StopTask();
                return await work;
            });

    /// <summary>A file's lines, printed as soon as it is done: what it is, where it went, and its results or why it failed.</summary>
    static void Print(IAnsiConsole console, FileReport report)
    {
        if (report.Type is null)
        {
            console.MarkupLine($"[bold]{Markup.Escape(report.File)}[/]  [red]failed:[/] {Markup.Escape(report.Error ?? "")}");
            return;
        }

        console.MarkupLine(Invariant($"[bold]{Markup.Escape(report.File)}[/]  {report.Type} ({report.Category}) -> {report.Processor}  {report.Size:N0} bytes"));
        console.MarkupLine($"  sha256 {report.Sha256}");
        if (report.Error is not null)
            console.MarkupLine($"  [red]failed:[/] {Markup.Escape(report.Error)}");
        foreach (var result in report.Outputs)
        {
            var rows = result.Rows is { } count ? Invariant($"{count:N0} rows, ") : "";
            console.MarkupLine(Invariant($"  [green]->[/] {Markup.Escape(result.Name)}  {rows}{result.Size:N0} bytes"));
        }

        if (report.Entries is { } entries)
            console.MarkupLine(Invariant($"  [green]->[/] {entries} archive entries, each below"));
    }

    internal static IAnsiConsole ConsoleOn(TextWriter output)
    {
        var terminal = output == Console.Out && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            // Colours only on a terminal; redirected output stays plain text.
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No
        });
        // Redirected output is read by scripts: one line per line, not wrapped at 80 columns.
        if (!terminal)
            console.Profile.Width = 4096;
        return console;
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    sealed record RunReport(string Output, int Files, int Failed, int Outputs, IReadOnlyList<FileReport> Results);
}
