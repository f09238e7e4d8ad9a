using NUnit.Framework;
using SagaFiles.Processing.Archives;
using SagaFiles.Processing.Conversion;
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
}
