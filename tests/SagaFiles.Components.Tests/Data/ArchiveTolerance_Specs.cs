using NUnit.Framework;
using SagaFiles.Components.Data;
using Shouldly;

namespace SagaFiles.Components.Tests.Data;

public class ArchiveTolerance_Specs
{
    [TestCase(10, 0, 0, true)]
    [TestCase(10, 1, 0, false)]
    [TestCase(10, 1, 10, true)]
    [TestCase(10, 2, 10, false)]
    [TestCase(3, 1, 33.3, false)]
    [TestCase(3, 1, 33.34, true)]
    [TestCase(3, 3, 100, true)]
    public void Failed_children_are_tolerated_up_to_the_percentage_of_all_children(int children, int failed, double percent, bool tolerated) =>
        new ArchiveProgress { FileId = Guid.NewGuid(), ChildCount = children, ChildrenCompleted = children - failed, ChildrenFailed = failed }
            .WithinTolerance(percent).ShouldBe(tolerated);
}
