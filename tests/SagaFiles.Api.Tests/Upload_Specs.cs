using System.Text;

namespace SagaFiles.Api.Tests;

public class Upload_Specs
{
    [Test]
    public async Task An_upload_answers_202_with_the_id_status_links_and_location()
    {
        var response = await SagaFilesApp.Api.PostAsync("/files", Files.Form(Encoding.UTF8.GetBytes("a\n1\n"), "accepted.csv", "team=data"));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        body.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Processing), "its download has started");
        body.GetProperty("links").GetProperty("self").GetString().ShouldBe($"/files/{id}");
        response.Headers.Location!.ToString().ShouldBe($"/files/{id}");
        (await Files.Get(id)).GetProperty("originalName").GetString().ShouldBe("accepted.csv");
    }

    [Test]
    public async Task An_oversized_upload_is_rejected_with_413_and_nothing_is_kept()
    {
        await using var api = SagaFilesApp.NewApi(new Dictionary<string, string> { ["Storage:MaxUploadBytes"] = "1048576" });
        using var client = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync(SagaFilesApp.Tenant, [Security.ApiScopes.FilesWrite]), api);

        var response = await client.PostAsync("/files", Files.Form(new byte[1024 * 1024 + 1], "big.bin"));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadAsStringAsync()).ShouldContain("upload limit");
    }

    [Test]
    public async Task The_limits_answer_the_apis_own_settings()
    {
        await using var api = SagaFilesApp.NewApi(new Dictionary<string, string>
        {
            ["Storage:MaxUploadBytes"] = "1048576", ["Uploads:PartSize"] = "6291456"
        });
        using var client = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync(SagaFilesApp.Tenant, [Security.ApiScopes.FilesWrite]), api);

        var limits = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/uploads/limits");

        limits.GetProperty("maxUploadBytes").GetInt64().ShouldBe(1048576);
        limits.GetProperty("partSize").GetInt64().ShouldBe(6291456);
        limits.GetProperty("maxFileBytes").GetInt64().ShouldBe(5L * 1024 * 1024 * 1024);
        using var reader = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync(SagaFilesApp.Tenant, [Security.ApiScopes.FilesRead]), api);
        (await reader.GetAsync("/uploads/limits")).StatusCode.ShouldBe(HttpStatusCode.Forbidden, "they serve uploading");
    }

    [Test]
    public async Task An_upload_without_a_file_part_is_400()
    {
        var form = new MultipartFormDataContent { { new StringContent("a=b"), "tags" } };
        var response = await SagaFilesApp.Api.PostAsync("/files", form);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("file part named");
    }

    [Test]
    public async Task Malformed_tags_are_400()
    {
        var response = await SagaFilesApp.Api.PostAsync("/files", Files.Form(Encoding.UTF8.GetBytes("a\n1\n"), "tags.csv", "no-equals-sign"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("key=value");
    }
}
