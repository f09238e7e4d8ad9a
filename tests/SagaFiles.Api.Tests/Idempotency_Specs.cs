using System.Text;
using System.Text.Json;

namespace SagaFiles.Api.Tests;

public class Idempotency_Specs
{
    [Test]
    public async Task A_repeated_idempotency_key_answers_with_the_first_file_and_keeps_nothing_of_the_repeat()
    {
        var key = $"retry-{Guid.NewGuid()}";
        var name = $"idem-{Guid.NewGuid():N}.csv";

        var first = await Post(Encoding.UTF8.GetBytes("a\n1\n"), name, key);
        var second = await Post(Encoding.UTF8.GetBytes("a\n2\n3\n"), name, key);

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted, await first.Content.ReadAsStringAsync());
        second.StatusCode.ShouldBe(HttpStatusCode.Accepted, await second.Content.ReadAsStringAsync());
        var firstBody = await first.Content.ReadAsStringAsync();
        (await second.Content.ReadAsStringAsync()).ShouldBe(firstBody);
        second.Headers.Location.ShouldBe(first.Headers.Location);
        second.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        first.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();

        var id = JsonDocument.Parse(firstBody).RootElement.GetProperty("id").GetGuid();
        (await Files.WaitUntilSettled(id)).GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));
        (await Files.Download(id, "original")).ShouldBe(Encoding.UTF8.GetBytes("a\n1\n"));
        (await Listed(name)).ShouldBe([id]);
        (await IncomingObjects(name)).ShouldBe(1, "the repeat's bytes are not kept");
    }

    [Test]
    public async Task Ten_concurrent_uploads_with_one_key_make_one_file()
    {
        var key = $"burst-{Guid.NewGuid()}";
        var name = $"burst-{Guid.NewGuid():N}.csv";

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Post(Encoding.UTF8.GetBytes($"n\n{i}\n"), name, key)));

        foreach (var response in responses)
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()));
        ids.Distinct().Count().ShouldBe(1, string.Join(", ", ids));
        responses.Select(r => r.Headers.Location).Distinct().Count().ShouldBe(1);
        (await Listed(name)).ShouldBe([ids[0]]);
        (await Files.WaitUntilSettled(ids[0])).GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));
        (await IncomingObjects(name)).ShouldBe(1, "the losers' bytes are deleted");
    }

    [Test]
    public async Task Uploads_without_a_key_are_never_deduplicated()
    {
        var name = $"twice-{Guid.NewGuid():N}.csv";
        var first = await Files.Upload(Encoding.UTF8.GetBytes("a\n1\n"), name);
        var second = await Files.Upload(Encoding.UTF8.GetBytes("a\n1\n"), name);

        second.ShouldNotBe(first);
        (await Listed(name)).Order().ShouldBe(new[] { first, second }.Order());
    }

    [TestCase("tab\tinside")]
    [TestCase("nön-ascii")]
    public async Task An_invalid_idempotency_key_is_400(string key)
    {
        var response = await Post(Encoding.UTF8.GetBytes("a\n1\n"), "bad-key.csv", key);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("Idempotency-Key");
    }

    [Test]
    public async Task A_key_longer_than_200_characters_is_400_and_200_is_fine()
    {
        (await Post(Encoding.UTF8.GetBytes("a\n1\n"), "long-key.csv", new string('k', 201))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Post(Encoding.UTF8.GetBytes("a\n1\n"), "long-key.csv", $"{Guid.NewGuid():N}".PadRight(200, 'k'))).StatusCode
            .ShouldBe(HttpStatusCode.Accepted);
    }

    static Task<HttpResponseMessage> Post(byte[] content, string name, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/files") { Content = Files.Form(content, name) };
        // Without validation, so that invalid keys reach the server as they are.
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return SagaFilesApp.Api.SendAsync(request);
    }

    /// <summary>The ids of the newest files with this (unique) name.</summary>
    static async Task<Guid[]> Listed(string name)
    {
        var page = await SagaFilesApp.Api.GetFromJsonAsync<JsonElement>("/files?limit=100");
        return page.GetProperty("items").EnumerateArray()
            .Where(f => f.GetProperty("originalName").GetString() == name)
            .Select(f => f.GetProperty("id").GetGuid()).ToArray();
    }

    static async Task<int> IncomingObjects(string name)
    {
        using var s3 = SagaFilesApp.Stack.CreateS3Client();
        var listed = await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = "e2e-incoming", Prefix = $"{SagaFilesApp.Tenant}/uploads/" });
        listed.IsTruncated.ShouldNotBe(true);
        return (listed.S3Objects ?? []).Count(o => o.Key.EndsWith("/" + name, StringComparison.Ordinal));
    }
}
