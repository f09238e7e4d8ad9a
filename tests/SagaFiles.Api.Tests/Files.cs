using System.Net.Http.Headers;
using System.Text.Json;

namespace SagaFiles.Api.Tests;

/// <summary>What a user of the API does: upload, poll until the file settles, fetch it back.</summary>
public static class Files
{
    static readonly HttpClient Storage = new();

    public static MultipartFormDataContent Form(byte[] content, string fileName, string? tags = null, string contentType = "application/octet-stream")
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var form = new MultipartFormDataContent { { file, "file", fileName } };
        if (tags != null)
            form.Add(new StringContent(tags), "tags");
        return form;
    }

    /// <summary>POST /files as <paramref name="client" /> (default: <see cref="SagaFilesApp.Api" />): the new file's id.</summary>
    public static async Task<Guid> Upload(byte[] content, string fileName, string? tags = null, HttpClient? client = null)
    {
        var response = await (client ?? SagaFilesApp.Api).PostAsync("/files", Form(content, fileName, tags));
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("id").GetGuid();
    }

    /// <summary>GET /files/{id}{path} as <paramref name="client" /> (default: <see cref="SagaFilesApp.Api" />).</summary>
    public static async Task<JsonElement> Get(Guid id, string path = "", HttpClient? client = null) =>
        await (client ?? SagaFilesApp.Api).GetFromJsonAsync<JsonElement>($"/files/{id}{path}");

    /// <summary>GET /files?<paramref name="query" />.</summary>
    public static async Task<JsonElement> List(string query) =>
        await SagaFilesApp.Api.GetFromJsonAsync<JsonElement>($"/files?{query}");

    /// <summary>Polls (as <paramref name="client" />, default <see cref="SagaFilesApp.Api" />) until the file is Completed or Failed.</summary>
    public static async Task<JsonElement> WaitUntilSettled(Guid id, TimeSpan? timeout = null, HttpClient? client = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var file = await Get(id, client: client);
            var status = file.GetProperty("status").GetString();
            if (status is nameof(FileStatus.Completed) or nameof(FileStatus.Failed))
                return file;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"File {id} still {status} after the timeout: {file}");
            await Task.Delay(200);
        }
    }

    /// <summary>Follows the download redirect to the presigned URL and returns the bytes.</summary>
    public static async Task<byte[]> Download(Guid id, string what, string? name = null)
    {
        var redirect = await SagaFilesApp.Api.GetAsync($"/files/{id}/download?what={what}" + (name == null ? "" : $"&name={Uri.EscapeDataString(name)}"));
        redirect.StatusCode.ShouldBe(HttpStatusCode.Redirect, await redirect.Content.ReadAsStringAsync());
        return await Storage.GetByteArrayAsync(redirect.Headers.Location);
    }
}
