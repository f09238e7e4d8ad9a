using NUnit.Framework;
using SagaFiles.Processing.Archives;
using SagaFiles.Processing.Conversion;
using SagaFiles.Storage;
using Shouldly;

namespace SagaFiles.Components.Tests;

public class PermanentFailures_Specs
{
    [Test]
    public void A_rejected_archive_fails_at_once_though_the_fault_names_the_subclass()
    {
        PermanentFailures.IsPermanent(typeof(ArchiveRejectedException).FullName).ShouldBeTrue();
        PermanentFailures.IsPermanent(typeof(ConversionException).FullName).ShouldBeTrue();
        PermanentFailures.IsPermanent(typeof(TimeoutException).FullName).ShouldBeFalse();
    }

    [Test]
    public void A_missing_object_fails_at_once_but_a_missing_bucket_or_another_storage_error_is_tried_again_later()
    {
        PermanentFailures.IsPermanent(typeof(ObjectNotFoundException).FullName).ShouldBeTrue();
        PermanentFailures.IsPermanent(typeof(BucketNotFoundException).FullName).ShouldBeFalse();
        PermanentFailures.IsPermanent(typeof(StorageException).FullName).ShouldBeFalse();
    }
}
