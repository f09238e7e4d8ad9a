using System.Text;
using System.Text.Json;
using SagaFiles.Testing;

namespace SagaFiles.Chaos.Tests;

/// <summary>A file that failed for a cause the user can fix completes when retried through the API after the fix.</summary>
public class FailedFileRetry_Specs
{
    static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task A_file_failed_for_a_missing_processed_bucket_completes_when_retried_once_the_bucket_is_back()
    {
        await using var app = await SagaFilesProcesses.StartAsync("retry", workers: 1, new Dictionary<string, string>
        {
            ["FileSaga__MaxAttempts"] = "2",
            ["FileSaga__FirstRetryDelay"] = "00:00:01",
        });
        using var s3 = TestStackSetUpFixture.Stack.CreateS3Client();
        await s3.DeleteBucketAsync(app.ProcessedBucket); // the API created it at start-up

        var id = await app.UploadAsync(Encoding.UTF8.GetBytes("id,name\n1,one\n2,two\n"), "retried.csv");
        var failed = await app.WaitUntilSettledAsync(id, SettleTimeout);
        failed.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Failed), failed.ToString());
        // A file this small has its result published by its conversion, so that is the step that cannot reach the bucket.
        failed.GetProperty("currentStep").GetString().ShouldBe("Convert");
        failed.GetProperty("errorMessage").GetString()!.ShouldContain(app.ProcessedBucket);

        await s3.PutBucketAsync(app.ProcessedBucket);
        var retry = await app.Api.PostAsync($"files/{id}/retry", null);
        retry.StatusCode.ShouldBe(HttpStatusCode.Accepted, await retry.Content.ReadAsStringAsync());

        var completed = await app.WaitUntilSettledAsync(id, SettleTimeout, also: file => file.GetProperty("attempt").GetInt32() > 2);
        completed.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed), completed.ToString());
        var output = completed.GetProperty("outputs").EnumerateArray().ShouldHaveSingleItem();
        output.GetProperty("rows").GetInt64().ShouldBe(2);
        (await app.ProcessedKeysAsync()).ShouldBe([output.GetProperty("key").GetString()!]);

        // The history: Convert's first attempt faulted and was retried, its second failed the file, the user's retry
        // resumed Convert as its third attempt, which completed.
        var history = (await app.GetAsync(id, "/events")).GetProperty("events").EnumerateArray().ToList();
        var convert = history.SkipWhile(e => e.GetProperty("to").GetString() != "Converting").Select(Describe).ToList();
        convert.ShouldBe([
            "Downloading -> Converting, attempt 1",
            "Converting -> Converting, attempt 1, retrying",
            "Converting -> Failed, attempt 2",
            "Failed -> Converting, attempt 3",
            "Converting -> Completed, attempt 3",
        ], string.Join('\n', history));
    }

    static string Describe(JsonElement entry)
    {
        var error = entry.TryGetProperty("error", out var value) ? value.GetString() : null;
        return $"{entry.GetProperty("from").GetString()} -> {entry.GetProperty("to").GetString()}, attempt {entry.GetProperty("attempt").GetInt32()}" +
               (error?.Contains("(retrying: attempt", StringComparison.Ordinal) == true ? ", retrying" : "");
    }
}
