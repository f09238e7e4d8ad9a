using System.Globalization;

namespace SagaFiles.Cli.Tests;

/// <summary><c>sagafiles submit</c>'s and <c>watch</c>'s refusals before anything is sent (its runs against the stack: Api.Tests' SubmitCommand_Specs).</summary>
public class SubmitUsage_Specs
{
    [TestCase("submit a.csv --out results", "--out needs --wait")]
    [TestCase("submit a.csv --key-file /nonexistent/api-key", "No API key: /nonexistent/api-key cannot be read")]
    [TestCase("submit a.csv --url ftp://example.com", "--url ftp://example.com: an http or https URL is needed.")]
    [TestCase("submit a.csv --tag team", "--tag team: write KEY=VALUE")]
    [TestCase("submit a.csv --bogus", "Unknown option '--bogus'")]
    [TestCase("watch /nonexistent/folder", "/nonexistent/folder: no such folder.", "Usage: sagafiles watch DIR [--out DIR]")]
    [TestCase("watch / --stable-for 0", "--stable-for must be between 0.1 and 86400 seconds.", "Usage: sagafiles watch DIR [--out DIR]")]
    public async Task A_usage_error_exits_2_naming_it_and_sends_nothing(string commandLine, string problem,
        string usage = "Usage: sagafiles submit FILE... [--wait] [--out DIR]")
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);

        var exitCode = await Program.RunAsync(commandLine.Split(' '), output, error, CancellationToken.None);

        exitCode.ShouldBe(Program.UsageError);
        error.ToString().ShouldContain(problem);
        error.ToString().ShouldContain(usage);
        output.ToString().ShouldBeEmpty();
    }
}
