using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SagaFiles.Components.Data;
using SagaFiles.Api.Security;
using SagaFiles.DevStack;
using CliProgram = SagaFiles.Cli.Program;

namespace SagaFiles.Api.Tests;

/// <summary>
/// <c>sagafiles submit</c> against the running stack: an API instance listening on a real port (Kestrel), the workers and
/// the emulator. The CLI talks HTTP to it as it would to <c>./sagafiles up</c>.
/// </summary>
public class SubmitCommand_Specs
{
    WebApplicationFactory<Program> _api = null!;
    string _url = "";
    string _folder = "";
    string _keyFile = "";

    [OneTimeSetUp]
    public async Task StartListeningApi()
    {
        var port = Tools.FreePort();
        _api = SagaFilesApp.NewApi(new Dictionary<string, string>());
        _api.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        _api.StartServer();
        _url = $"http://127.0.0.1:{port}";
        _folder = Directory.CreateTempSubdirectory("sagafiles-submit-").FullName;
        _keyFile = Path.Combine(_folder, "api-key");
        await File.WriteAllTextAsync(_keyFile, await SagaFilesApp.CreateKeyAsync(SagaFilesApp.Tenant, ApiScopes.All, "submit"));
    }

    [OneTimeTearDown]
    public async Task StopListeningApi()
    {
        await _api.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    string Write(string name, byte[] content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    Task<(int ExitCode, string Output, string Error)> Run(HttpMessageHandler? handler, params string[] args) => Run(handler, CancellationToken.None, args);

    async Task<(int ExitCode, string Output, string Error)> Run(HttpMessageHandler? handler, CancellationToken stop, params string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        string[] stack = args[0] is "submit" or "watch" ? ["--url", _url, "--key-file", _keyFile] : [];
        var exitCode = await CliProgram.RunAsync([.. args, .. stack], output, error, stop, handler);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Test]
    public async Task A_csv_submitted_with_wait_gives_the_same_parquet_bytes_as_sagafiles_process()
    {
        var csv = new StringBuilder("id,amount,day,name\n");
        for (var i = 0; i < 50_000; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{i},{i * 1.25m},{new DateOnly(2024, 1, 1).AddDays(i % 400):yyyy-MM-dd},\"name, {i % 97}\"\n");
        var file = Write("orders.csv", Encoding.UTF8.GetBytes(csv.ToString()));
        var stackOut = Path.Combine(_folder, "stack");
        var localOut = Path.Combine(_folder, "local");

        var submitted = await Run(null, "submit", file, "--wait", "--out", stackOut);
        var processed = await Run(null, "process", file, "--out", localOut);

        submitted.ExitCode.ShouldBe(CliProgram.Succeeded, submitted.Output + submitted.Error);
        processed.ExitCode.ShouldBe(CliProgram.Succeeded, processed.Error);
        var fromStack = await File.ReadAllBytesAsync(Path.Combine(stackOut, "orders.parquet"));
        var fromProcess = await File.ReadAllBytesAsync(Path.Combine(localOut, "orders.parquet"));
        fromStack[..4].ShouldBe("PAR1"u8.ToArray());
        fromStack.Length.ShouldBe(fromProcess.Length);
        fromStack.AsSpan().SequenceEqual(fromProcess).ShouldBeTrue("the stack's Parquet differs from sagafiles process's");
        submitted.Output.ShouldContain("csv -> parquet  sha256 " + Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file))));
        submitted.Output.ShouldContain("50,000 rows");
        submitted.Output.ShouldContain("1 files: 1 completed, 0 failed; 1 results in " + stackOut);
        Directory.GetFiles(stackOut).ShouldBe([Path.Combine(stackOut, "orders.parquet")], "no partial download is left");
    }

    [Test]
    public async Task A_file_over_the_plain_limit_goes_in_parts_and_resumes_after_a_part_is_broken_off()
    {
        var content = new byte[8 * 1024 * 1024 + 700_000];
        new Random(15).NextBytes(content);
        var file = Write("large.bin", content);
        using var breaking = new BreakingHandler("/parts/2", breakAfter: 300_000);

        var (exitCode, output, error) = await Run(breaking, "submit", file, "--wait", "--out", Path.Combine(_folder, "parts"), "--resumable-over", "1000000");

        exitCode.ShouldBe(CliProgram.Succeeded, output + error);
        breaking.Requests.ShouldBe(2, "part 2 was broken off once and sent again");
        output.ShouldContain("in parts");
        output.ShouldContain("sha256 " + Convert.ToHexStringLower(SHA256.HashData(content)));
        (await File.ReadAllBytesAsync(Path.Combine(_folder, "parts", "large.bin"))).AsSpan().SequenceEqual(content)
            .ShouldBeTrue("a file passed through comes back as sent");
    }

    [Test]
    public async Task A_file_that_fails_exits_1_naming_the_step_and_reason_and_without_wait_only_the_id_is_printed()
    {
        var empty = Write("empty.csv", []);
        var fine = Write("fine.csv", "a,b\n1,2\n"u8.ToArray());

        var waited = await Run(null, "submit", empty, fine, "--wait", "--out", Path.Combine(_folder, "failing"));
        var sent = await Run(null, "submit", fine);

        waited.ExitCode.ShouldBe(CliProgram.FileFailed, waited.Output + waited.Error);
        waited.Output.ShouldContain("Failed at Download: ");
        waited.Output.ShouldContain("2 files: 1 completed, 1 failed");
        File.Exists(Path.Combine(_folder, "failing", "fine.parquet")).ShouldBeTrue();
        sent.ExitCode.ShouldBe(CliProgram.Succeeded, sent.Output + sent.Error);
        sent.Output.ShouldMatch(@"file [0-9a-f-]{36}");
        sent.Output.ShouldContain("1 files: 1 submitted, 0 failed");
    }

    [Test]
    public async Task Watch_sends_each_complete_file_once_across_a_restart_and_moves_it_with_its_results()
    {
        var watched = Directory.CreateDirectory(Path.Combine(_folder, "watched")).FullName;
        var results = Path.Combine(_folder, "watched-results");
        var renamed = $"renamed-{Guid.NewGuid():N}.csv";
        var written = $"written-{Guid.NewGuid():N}.csv";
        string[] watch = ["watch", watched, "--out", results, "--stable-for", "0.5"];

        using (var first = new CancellationTokenSource())
        {
            var run = Run(null, first.Token, watch);
            await File.WriteAllTextAsync(Path.Combine(watched, renamed + ".part"), "a,b\n1,2\n");
            File.Move(Path.Combine(watched, renamed + ".part"), Path.Combine(watched, renamed));
            await File.WriteAllTextAsync(Path.Combine(watched, written), "c\n3\n");
            // Stopped as soon as the stack has the second file: whatever was on its way is sent again by the next run.
            await WaitFor(async () => await FilesNamed(written) > 0, "the stack has the file");
            await first.CancelAsync();
            (await run).ExitCode.ShouldBe(CliProgram.Succeeded);
        }

        using var second = new CancellationTokenSource();
        var again = Run(null, second.Token, watch);
        await WaitFor(() => Task.FromResult(File.Exists(Path.Combine(watched, "processed", renamed)) && File.Exists(Path.Combine(watched, "processed", written))),
            "both moved to processed/");
        await second.CancelAsync();
        var (exitCode, output, error) = await again;

        exitCode.ShouldBe(CliProgram.Succeeded, output + error);
        (await FilesNamed(renamed)).ShouldBe(1);
        (await FilesNamed(written)).ShouldBe(1, "the restart got the same file back by its key");
        File.Exists(Path.Combine(results, Path.ChangeExtension(renamed, ".parquet"))).ShouldBeTrue();
        File.Exists(Path.Combine(results, Path.ChangeExtension(written, ".parquet"))).ShouldBeTrue();
        Directory.GetFiles(watched).ShouldBeEmpty();
    }

    static async Task<int> FilesNamed(string name)
    {
        await using var scope = SagaFilesApp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>().Files.CountAsync(f => f.OriginalName == name);
    }

    static async Task WaitFor(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not {what} after 60 s.");
            await Task.Delay(100);
        }
    }

    [Test]
    public async Task No_stack_listening_fails_the_file_with_the_connection_problem()
    {
        var file = Write("nowhere.csv", "a\n1\n"u8.ToArray());
        var output = new StringWriter(CultureInfo.InvariantCulture);

        var exitCode = await CliProgram.RunAsync(["submit", file, "--url", $"http://127.0.0.1:{Tools.FreePort()}", "--key-file", _keyFile],
            output, TextWriter.Null, CancellationToken.None);

        exitCode.ShouldBe(CliProgram.FileFailed);
        output.ToString().ShouldContain("not submitted: Connection refused");
    }

    /// <summary>Counts the requests whose path ends with <paramref name="path" /> and breaks off the first after <paramref name="breakAfter" /> bytes of its body.</summary>
    sealed class BreakingHandler(string path, int breakAfter) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        public int Requests;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content && request.RequestUri!.AbsolutePath.EndsWith(path, StringComparison.Ordinal)
                && Interlocked.Increment(ref Requests) == 1)
            {
                var length = content.Headers.ContentLength;
                request.Content = new StreamContent(new BreakingStream(await content.ReadAsStreamAsync(cancellationToken), breakAfter));
                request.Content.Headers.ContentLength = length;
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    sealed class BreakingStream(Stream inner, int breakAfter) : Processing.IO.ReadOnlyStream
    {
        int _read;

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer[..Math.Min(buffer.Length, breakAfter - _read + 1)]));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer[..Math.Min(buffer.Length, breakAfter - _read + 1)], cancellationToken));

        int Count(int read) => (_read += read) > breakAfter ? throw new IOException("The connection was reset.") : read;
    }
}
