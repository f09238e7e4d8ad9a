using NUnit.Framework;
using SagaFiles.Components.Tests.Support;
using Shouldly;

namespace SagaFiles.Components.Tests.Consumers;

/// <summary>A file nothing converts goes through all four steps and comes out byte for byte as it went in.</summary>
public class PassThrough_Specs : StepSpec
{
    [Test]
    public async Task A_PNG_comes_out_of_the_four_steps_byte_identical()
    {
        var content = Png(200_000);
        var upload = await UploadAsync(Guid.NewGuid(), "holiday photo.png", content, "image/png");

        var downloaded = await DownloadAsync(upload);
        var checksum = await ChecksumAsync(downloaded);
        var converted = await ConvertAsync(downloaded, upload.OriginalName);
        var uploaded = (await PublishAsync(converted, checksum.Sha256, upload)).Outputs.ShouldHaveSingleItem();

        downloaded.DetectedType.ShouldBe("png");
        checksum.Sha256.ShouldBe(Sha256Hex(content));
        converted.Outputs.ShouldHaveSingleItem().Format.ShouldBe("original");
        uploaded.Key.ShouldBe($"{Tenant}/processed/2026/03/10/{upload.FileId}/holiday photo.png");
        (await Storage.ReadAllAsync(uploaded.Bucket, uploaded.Key)).ShouldBe(content);
        var published = (await Storage.Store.HeadAsync(uploaded.Bucket, uploaded.Key)).ShouldNotBeNull();
        published.Metadata.ShouldBe(new Dictionary<string, string>
        {
            ["sha256"] = Sha256Hex(content), ["source-key"] = upload.SourceKey, ["format"] = "original"
        }, ignoreOrder: true);
        published.ContentType.ShouldBe("image/png");
        (await Storage.KeysAsync(Storage.Options.StagingBucket, $"{Tenant}/staging/{upload.FileId}/")).ShouldBeEmpty();
    }
}
