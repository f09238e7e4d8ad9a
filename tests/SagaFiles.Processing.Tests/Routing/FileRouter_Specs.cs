using System.Text;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Processors;
using SagaFiles.Processing.Routing;

namespace SagaFiles.Processing.Tests.Routing;

public class FileRouter_Specs
{
    static readonly Dictionary<string, string> NoTags = [];

    static DetectedFileType Detect(string content, string name) => FileTypeDetector.Detect(Encoding.UTF8.GetBytes(content), name);

    [TestCase("a,b\n1,2\n3,4\n", "data.csv", "parquet")]
    [TestCase("a\tb\n1\t2\n3\t4\n", "data.tsv", "parquet")]
    [TestCase("[{\"a\":1}]", "data.json", "parquet")]
    [TestCase("{\"a\":1}\n{\"a\":2}\n", "data.jsonl", "parquet")]
    [TestCase("CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);\n", "dump.sql", "parquet")]
    [TestCase("just some words", "notes.txt", "pass-through")]
    [TestCase("", "empty.csv", "pass-through")]
    public void By_default_tabular_text_goes_to_parquet_and_other_text_passes_through(string content, string name, string processor)
    {
        new FileRouter([]).Route(Detect(content, name), NoTags).ShouldBe(processor);
    }

    [Test]
    public void By_default_archives_are_expanded_and_images_pass_through()
    {
        var router = new FileRouter([]);
        router.Route(FileTypeDetector.Detect([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0], "a.zip"), NoTags).ShouldBe("archive");
        router.Route(FileTypeDetector.Detect([0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0], "a.csv.gz"), NoTags).ShouldBe("archive");
        router.Route(FileTypeDetector.Detect([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a.png"), NoTags).ShouldBe("pass-through");
    }

    [Test]
    public void Binary_content_under_a_tabular_name_goes_where_that_name_goes_so_it_fails_with_a_reason()
    {
        var random = new byte[512];
        new Random(5).NextBytes(random);
        var type = FileTypeDetector.Detect(random, "export.csv");

        type.Kind.ShouldBe(FileKind.Binary);
        type.ClaimedKind.ShouldBe(FileKind.Csv);
        new FileRouter([]).Route(type, NoTags).ShouldBe("parquet");
        new FileRouter([]).Route(FileTypeDetector.Detect(random, "blob.bin"), NoTags).ShouldBe("pass-through");
    }

    [Test]
    public void Rules_match_kinds_or_categories_and_tags_in_order_and_the_first_match_wins()
    {
        var router = new FileRouter(
        [
            new RoutingRule { Tags = ["keep-original"], Processor = "pass-through" },
            new RoutingRule { Types = ["csv"], Tags = ["team=finance"], Processor = "finance" },
            new RoutingRule { Types = ["tabular"], Processor = "parquet" },
            new RoutingRule { Types = ["IMAGE"], Processor = "thumbnail" }
        ]);
        var csv = Detect("a,b\n1,2\n", "a.csv");

        router.Route(csv, NoTags).ShouldBe("parquet");
        router.Route(csv, new Dictionary<string, string> { ["team"] = "finance" }).ShouldBe("finance");
        router.Route(csv, new Dictionary<string, string> { ["team"] = "sales" }).ShouldBe("parquet");
        router.Route(csv, new Dictionary<string, string> { ["keep-original"] = "" }).ShouldBe("pass-through");
        router.Route(FileTypeDetector.Detect([0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "p.jpg"), NoTags).ShouldBe("thumbnail");
        router.Route(Detect("hello", "a.txt"), NoTags).ShouldBe("pass-through");
    }

    [Test]
    public void Unknown_types_and_processors_are_reported_for_start_up_validation()
    {
        var problems = FileRouter.Problems(
        [
            new RoutingRule { Types = ["csv", "spreadsheet"], Processor = "parquet" },
            new RoutingRule { Types = ["image"], Processor = "thumbnail" },
            new RoutingRule { Tags = ["x"], Processor = "pass-through" }
        ], ["parquet", "archive"]).ToList();

        problems.Count.ShouldBe(2);
        problems[0].ShouldStartWith("Routes[0]: unknown type 'spreadsheet' (kinds: empty, binary, text, csv");
        problems[1].ShouldBe("Routes[1]: unknown processor 'thumbnail' (registered: parquet, archive, pass-through)");
    }

    // ProcessorSelector: the route's processor, as the worker's convert step and the CLI look it up.
    [Test]
    public void The_built_in_processors_are_chosen_by_the_default_routes_and_pass_through_has_none()
    {
        var selector = ProcessorSelector.BuiltIn(ProcessingLimits.Default, new ArchiveExpansionOptions());

        selector.Choose(Detect("a,b\n1,2\n3,4\n", "data.csv"), NoTags).Processor.ShouldBeOfType<ParquetConversionProcessor>();
        selector.Choose(FileTypeDetector.Detect("PK\u0003\u0004"u8, "batch.zip"), NoTags).Processor.ShouldBeOfType<ArchiveExpansionProcessor>();
        selector.Choose(Detect("just some words", "notes.txt"), NoTags).ShouldBe(new ProcessorChoice(FileRouter.PassThrough, null));
    }

    [Test]
    public void A_route_to_a_processor_that_is_not_registered_names_it()
    {
        var selector = new ProcessorSelector(new FileRouter([new RoutingRule { Types = ["csv"], Processor = "images" }]), []);

        Should.Throw<InvalidOperationException>(() => selector.Choose(Detect("a,b\n1,2\n3,4\n", "data.csv"), NoTags))
            .Message.ShouldContain("'images'");
    }
}
