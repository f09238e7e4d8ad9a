using SagaFiles.Processing.Archives;

namespace SagaFiles.Processing.Tests.Archives;

public class ArchiveShare_Specs
{
    static readonly ArchiveLimits Limits = new() { MaxTotalBytes = 1_000, MaxEntries = 100 };

    [Test]
    public void What_an_expansion_left_unused_is_shared_by_size_so_the_children_together_never_exceed_it()
    {
        var unused = ArchiveShare.Unused(Limits, bytes: 400, children: 20);
        long[] sizes = [300, 100];

        unused.ShouldBe(new ArchiveShare(600, 80));
        var shares = sizes.Select(size => unused.For(size, sizes.Sum())).ToList();
        shares.ShouldBe([new ArchiveShare(450, 60), new ArchiveShare(150, 20)]);
        shares.Sum(s => s.Bytes).ShouldBeLessThanOrEqualTo(unused.Bytes);
        shares.Sum(s => s.Entries).ShouldBeLessThanOrEqualTo(unused.Entries);
    }

    [Test]
    public void A_child_whose_share_rounds_to_nothing_still_gets_one_byte_and_one_entry_so_it_fails_on_a_limit()
    {
        new ArchiveShare(0, 0).For(10, 10).ShouldBe(new ArchiveShare(1, 1));
        ArchiveShare.Unused(Limits, bytes: 5_000, children: 500).ShouldBe(new ArchiveShare(0, 0));
    }

    [Test]
    public void A_share_only_ever_lowers_the_configured_limits()
    {
        new ArchiveShare(50, 500).Within(Limits).ShouldBe(Limits with { MaxTotalBytes = 50 });
        new ArchiveShare(5_000, 7).Within(Limits).ShouldBe(Limits with { MaxEntries = 7 });
    }
}
