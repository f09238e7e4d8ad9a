using NUnit.Framework;
using SagaFiles.Components.Tests.Support;
using Shouldly;

namespace SagaFiles.Components.Tests.Consumers;

public class ComputeChecksumConsumer_Specs : StepSpec
{
    [Test]
    public async Task The_checksum_is_the_SHA_256_of_the_staged_original_and_the_same_every_time()
    {
        var content = Png(3 * 1024 * 1024 + 17);
        var upload = await UploadAsync(Guid.NewGuid(), "scan.png", content);
        var downloaded = await DownloadAsync(upload);

        var first = await ChecksumAsync(downloaded);
        var second = await ChecksumAsync(downloaded, attempt: 2);

        first.Sha256.ShouldBe(Sha256Hex(content));
        first.Size.ShouldBe(content.Length);
        first.WorkerHost.ShouldBe($"{Environment.MachineName}/{Environment.ProcessId}");
        second.ShouldBe(first with { Attempt = 2, Duration = second.Duration });
        (await Storage.KeysAsync(Storage.Options.StagingBucket, $"{Tenant}/staging/{upload.FileId}/")).ShouldBe([downloaded.StagingKey]);
    }
}
