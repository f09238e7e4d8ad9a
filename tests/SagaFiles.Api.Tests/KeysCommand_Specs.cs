using System.Text.Json;
using SagaFiles.Api.Security;
using SagaFiles.DevStack;

namespace SagaFiles.Api.Tests;

/// <summary>The API's <c>keys</c> command, which <c>./sagafiles keys</c> runs: its arguments, and the command itself against the test database.</summary>
public class KeysCommand_Specs
{
    [TestCase("--tenant", "cli-a", "--name", "ci", "--scopes", "files:read,files:write")]
    [TestCase("--scopes", "files:read,files:write", "--tenant", "cli-a", "--name", "ci")]
    [TestCase("--name=ci", "--scopes=files:read,files:write", "--tenant=cli-a")]
    public void Create_takes_its_options_in_any_order(params string[] options)
    {
        var create = KeysCommandLine.Parse(["create", .. options]).ShouldBeOfType<KeysCommandLine.Create>();

        (create.Name, create.Tenant).ShouldBe(("ci", "cli-a"));
        create.Scopes.ShouldBe(["files:read", "files:write"]);
    }

    [TestCase(new[] { "create", "--name", "ci", "--tenant", "t" }, "keys create needs --scopes")]
    [TestCase(new[] { "create", "--name", "--tenant", "t", "--scopes", "admin" }, "'--name' needs a value")]
    [TestCase(new[] { "create", "--name", "ci", "--tenant", "t", "--tenant", "u", "--scopes", "admin" }, "'--tenant' is given twice")]
    [TestCase(new[] { "create", "--name", "ci", "--tenant", "t", "--scopes", "admin", "--colour", "red" }, "Unknown option '--colour'")]
    [TestCase(new[] { "create", "ci", "--tenant", "t", "--scopes", "admin" }, "Unexpected argument 'ci'")]
    [TestCase(new[] { "create", "--name", "ci", "--tenant", "Not A Tenant", "--scopes", "admin" }, "is not a tenant")]
    [TestCase(new[] { "create", "--name", "ci", "--tenant", "t", "--scopes", "root" }, "Give one or more scopes")]
    [TestCase(new[] { "list", "--tenant" }, "'--tenant' needs a value")]
    [TestCase(new[] { "revoke", "abc" }, "'abc' is not a key id")]
    [TestCase(new[] { "revoke" }, "keys revoke takes one key id")]
    [TestCase(new[] { "rotate" }, "'rotate' is not a keys command")]
    [TestCase(new string[0], "keys needs a command")]
    public void Wrong_arguments_are_a_usage_error_that_names_what_is_wrong(string[] args, string problem) =>
        KeysCommandLine.Parse(args).ShouldBeOfType<KeysCommandLine.Invalid>().Problem.ShouldContain(problem);

    [Test]
    public async Task Create_prints_a_working_secret_alone_on_its_last_line()
    {
        var result = await HostProcess.RunKeysCommandAsync(SagaFilesApp.Settings, ["create", "--tenant", "cli-a", "--scopes", "files:read", "--name", "reordered"]);

        result.ExitCode.ShouldBe(0, result.Output);
        var secret = result.Output.TrimEnd().Split('\n')[^1];
        secret.ShouldMatch("^sfk_[A-Za-z0-9_-]+$", result.Output);
        using var client = SagaFilesApp.ClientWith(secret);
        (await client.GetAsync("/files")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var key = (await SagaFilesApp.Api.GetFromJsonAsync<JsonElement>("/admin/keys?tenant=cli-a")).EnumerateArray()
            .Single(k => secret.StartsWith(k.GetProperty("prefix").GetString()!, StringComparison.Ordinal));
        key.GetProperty("name").GetString().ShouldBe("reordered");
        key.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).ShouldBe(["files:read"]);
    }

    [Test]
    public async Task A_usage_error_exits_with_2_naming_the_problem_and_creates_nothing()
    {
        var result = await HostProcess.RunKeysCommandAsync(SagaFilesApp.Settings, ["create", "--tenant", "cli-b", "--name", "half"]);

        result.ExitCode.ShouldBe(2, result.Output);
        result.Output.ShouldContain("keys create needs --scopes");
        result.Output.ShouldContain("usage: keys create");
        (await SagaFilesApp.Api.GetFromJsonAsync<JsonElement>("/admin/keys?tenant=cli-b")).GetArrayLength().ShouldBe(0);
    }
}
