using MassTransit;
using NUnit.Framework;
using SagaFiles.Components.Steps;
using SagaFiles.Contracts;
using SagaFiles.Components.Tests.Support;
using Shouldly;

namespace SagaFiles.Components.Tests.Consumers;

public class PreserveFailedFileConsumer_Specs : StepSpec
{
    [Test]
    public async Task Two_files_of_one_name_failing_in_the_same_second_keep_one_copy_each()
    {
        var failedAt = DateTimeOffset.UtcNow;
        var first = await UploadAsync(Guid.NewGuid(), "report.csv", Csv(rows: 2));
        var second = await UploadAsync(Guid.NewGuid(), "report.csv", Csv(rows: 3));

        foreach (var upload in new[] { first, second })
            await PreserveAsync(new PreserveFailedFile
            {
                FileId = upload.FileId, Tenant = Tenant, SourceBucket = upload.SourceBucket, SourceKey = upload.SourceKey, OriginalName = upload.OriginalName,
                FailedAt = failedAt
            });

        var stamp = failedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var kept = await Storage.KeysAsync(Storage.Options.IncomingBucket, $"{Tenant}/failed/{stamp}_");
        kept.ShouldBe([$"{Tenant}/failed/{stamp}_{first.FileId}_report.csv", $"{Tenant}/failed/{stamp}_{second.FileId}_report.csv"], ignoreOrder: true);
        (await Storage.ReadAllAsync(Storage.Options.IncomingBucket, kept.Single(k => k.Contains(second.FileId.ToString())))).ShouldBe(Csv(rows: 3));
    }

    async Task PreserveAsync(PreserveFailedFile command)
    {
        var send = await Steps.Harness.Bus.GetSendEndpoint(FileSteps.PreserveFailedAddress);
        await send.Send(command);
        (await Steps.Harness.Consumed.Any<PreserveFailedFile>(x => x.Context.Message.FileId == command.FileId)).ShouldBeTrue();
    }
}
