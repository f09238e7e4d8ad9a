namespace SagaFiles.Processing.Tests;

public class FileNames_Specs
{
    [TestCase("../../etc/passwd", "passwd")]
    [TestCase("..\\..\\Windows\\System32\\drivers\\etc\\hosts", "hosts")]
    [TestCase("/var/tmp/report.csv", "report.csv")]
    [TestCase("C:\\Users\\ann\\report.csv", "report.csv")]
    [TestCase("..", "file")]
    [TestCase("../", "file")]
    [TestCase("...", "file")]
    [TestCase(".hidden", "hidden")]
    public void Directories_and_traversal_are_stripped(string input, string expected)
    {
        FileNames.Sanitize(input).ShouldBe(expected);
    }

    [TestCase("re\u0000port\u0007.csv", "report.csv")]
    [TestCase("line\nbreak.csv", "line break.csv")]
    [TestCase("tab\t\tseparated  name.csv", "tab separated name.csv")]
    [TestCase("invoice\u202Egpj.exe", "invoicegpj.exe")]
    [TestCase("a<b>c:d\"e|f?g*h.csv", "a_b_c_d_e_f_g_h.csv")]
    [TestCase("  spaced out.csv. . ", "spaced out.csv")]
    public void Control_invisible_and_reserved_characters_are_removed_or_replaced(string input, string expected)
    {
        FileNames.Sanitize(input).ShouldBe(expected);
    }

    [Test]
    public void A_lone_surrogate_is_dropped()
    {
        // built at run time: attribute arguments cannot carry invalid UTF-16
        FileNames.Sanitize("lone" + (char)0xD800 + "surrogate.txt").ShouldBe("lonesurrogate.txt");
    }

    [TestCase("отчёт 2024.csv")]
    [TestCase("数据.csv")]
    [TestCase("تقرير.pdf")]
    [TestCase("😀 emoji.png")]
    [TestCase("क्षत्रिय.txt")]
    public void Letters_of_every_script_are_kept(string input)
    {
        FileNames.Sanitize(input).ShouldBe(input);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("\u0001\u0002")]
    [TestCase("////")]
    public void A_name_with_nothing_usable_becomes_file(string? input)
    {
        FileNames.Sanitize(input).ShouldBe("file");
    }

    [TestCase("CON", "_CON")]
    [TestCase("nul.txt", "_nul.txt")]
    [TestCase("com1.csv", "_com1.csv")]
    [TestCase("console.csv", "console.csv")]
    public void Windows_device_names_are_defused(string input, string expected)
    {
        FileNames.Sanitize(input).ShouldBe(expected);
    }

    [Test]
    public void A_long_name_is_cut_to_200_characters_keeping_its_extension()
    {
        var sanitized = FileNames.Sanitize(new string('a', 300) + ".csv");

        sanitized.Length.ShouldBe(FileNames.MaxLength);
        sanitized.ShouldEndWith(".csv");
        sanitized.ShouldStartWith("aaaa");
    }

    [Test]
    public void A_long_name_is_not_cut_inside_a_surrogate_pair()
    {
        var sanitized = FileNames.Sanitize(string.Concat(Enumerable.Repeat("😀", 150)) + ".png");

        sanitized.Length.ShouldBeLessThanOrEqualTo(FileNames.MaxLength);
        sanitized.ShouldEndWith(".png");
        sanitized.Any(char.IsSurrogate).ShouldBeTrue();
        sanitized.Where(char.IsSurrogate).Count().ShouldBe(sanitized.Length - 4);
        char.IsHighSurrogate(sanitized[^5]).ShouldBeFalse();
    }

    [Test]
    public void A_long_name_whose_extension_is_not_one_is_simply_cut()
    {
        var sanitized = FileNames.Sanitize("x." + new string('b', 300));

        sanitized.Length.ShouldBe(FileNames.MaxLength);
    }

    [Test]
    public void Non_latin_long_names_are_cut_too()
    {
        var sanitized = FileNames.Sanitize(string.Concat(Enumerable.Repeat("отчёт ", 60)) + "2024.csv");

        sanitized.Length.ShouldBeLessThanOrEqualTo(FileNames.MaxLength);
        sanitized.ShouldStartWith("отчёт отчёт");
        sanitized.ShouldEndWith(".csv");
    }
}
