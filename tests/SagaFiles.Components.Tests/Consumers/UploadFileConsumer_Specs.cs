using SagaFiles.Components.Consumers;
using NUnit.Framework;
using SagaFiles.Components.Tests.Support;
using Shouldly;

namespace SagaFiles.Components.Tests.Consumers;

public class UploadFileConsumer_Specs : StepSpec
{
    [Test]
    public async Task The_result_is_published_under_its_date_with_its_metadata_and_staging_is_cleaned()
    {
        var (upload, downloaded, checksum) = await StageAsync("sales.csv", Csv(rows: 50));
        var converted = await ConvertAsync(downloaded, "sales.csv");

        var completion = await PublishAsync(converted, checksum.Sha256, upload);

        var uploaded = completion.Outputs.ShouldHaveSingleItem();
        // Received 2026-03-09 23:30 at UTC-2: 2026-03-10 in UTC.
        uploaded.Bucket.ShouldBe(Storage.Options.ProcessedBucket);
        uploaded.Key.ShouldBe($"{Tenant}/processed/2026/03/10/{upload.FileId}/sales.parquet");
        uploaded.Size.ShouldBe(converted.Outputs[0].Size);
        uploaded.Table.ShouldBeEquivalentTo(converted.Outputs[0].Table);
        completion.WorkerHost.ShouldBe($"{Environment.MachineName}/{Environment.ProcessId}");
        var published = (await Storage.Store.HeadAsync(uploaded.Bucket, uploaded.Key)).ShouldNotBeNull();
        published.Metadata.ShouldBe(new Dictionary<string, string>
        {
            ["sha256"] = checksum.Sha256, ["source-key"] = upload.SourceKey, ["row-count"] = "50", ["format"] = "parquet"
        }, ignoreOrder: true);
        published.ContentType.ShouldBe("application/vnd.apache.parquet");
        (await Storage.KeysAsync(Storage.Options.StagingBucket, $"{Tenant}/staging/{upload.FileId}/")).ShouldBeEmpty();
    }

    [Test]
    public async Task Publishing_again_after_staging_was_cleaned_keeps_the_one_result()
    {
        var (upload, downloaded, checksum) = await StageAsync("notes.csv", Csv(rows: 3));
        var converted = await ConvertAsync(downloaded, "notes.csv");
        var first = (await PublishAsync(converted, checksum.Sha256, upload)).Outputs.ShouldHaveSingleItem();
        var bytes = await Storage.ReadAllAsync(first.Bucket, first.Key);

        var second = (await PublishAsync(converted, checksum.Sha256, upload, attempt: 2)).Outputs.ShouldHaveSingleItem();

        second.ShouldBeEquivalentTo(first);
        (await Storage.KeysAsync(Storage.Options.ProcessedBucket, $"{Tenant}/processed/2026/03/10/{upload.FileId}/")).ShouldBe([first.Key]);
        (await Storage.ReadAllAsync(second.Bucket, second.Key)).ShouldBe(bytes);
        (await Storage.KeysAsync(Storage.Options.StagingBucket, $"{Tenant}/staging/{upload.FileId}/")).ShouldBeEmpty();
    }

    [Test]
    public async Task Results_listed_in_a_manifest_are_published_with_a_manifest_of_their_own_also_when_published_again()
    {
        // 300 tables whose names take 200 characters: about 90 KB of results, well past MaxInlineOutputsBytes.
        var dump = string.Concat(Enumerable.Range(0, 300).Select(i => $"CREATE TABLE {new string('t', 196)}{i:D4} (a int);\n"));
        var (upload, downloaded, checksum) = await StageAsync("wide names.sql", System.Text.Encoding.UTF8.GetBytes(dump));
        var converted = await ConvertAsync(downloaded, "wide names.sql");
        converted.OutputManifest.ShouldNotBeNull().Count.ShouldBe(300);

        var first = await PublishAsync(converted, checksum.Sha256, upload);
        // Staging (and the staged manifest in it) is gone: the second attempt finds the published manifest.
        var second = await PublishAsync(converted, checksum.Sha256, upload, attempt: 2);

        first.Outputs.ShouldBeEmpty();
        var manifest = first.OutputManifest.ShouldNotBeNull();
        (manifest.Bucket, manifest.Key, manifest.Count).ShouldBe((Storage.Options.ProcessedBucket, $"{Tenant}/processed/2026/03/10/{upload.FileId}.outputs.json", 300));
        second.OutputManifest.ShouldBe(manifest);
        var published = await new OutputManifests(Storage.Store).ReadAsync([], manifest, CancellationToken.None);
        published.Count.ShouldBe(300);
        published.ShouldAllBe(o => o.Bucket == Storage.Options.ProcessedBucket && o.Key.StartsWith($"{Tenant}/processed/2026/03/10/{upload.FileId}/"));
        (await Storage.KeysAsync(Storage.Options.ProcessedBucket, $"{Tenant}/processed/2026/03/10/{upload.FileId}/")).Count.ShouldBe(300);
        (await Storage.KeysAsync(Storage.Options.StagingBucket, $"{Tenant}/staging/{upload.FileId}/")).ShouldBeEmpty();
    }
}
