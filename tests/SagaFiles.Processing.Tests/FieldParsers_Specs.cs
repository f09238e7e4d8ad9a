using System.Globalization;
using SagaFiles.Processing.Conversion;

namespace SagaFiles.Processing.Tests;

public class FieldParsers_Specs
{
    [TestCase("0")]
    [TestCase("-0")]
    [TestCase("-0.0")]
    [TestCase("0.1")]
    [TestCase("1.5")]
    [TestCase("-90.000001")]
    [TestCase("123456789012345")]
    [TestCase("99999999999999.9")]
    [TestCase("0.00000000000001")]
    [TestCase("0.000000000000000000012345")]
    [TestCase("1e3")]
    [TestCase("-2.5E-7")]
    [TestCase("1.7976931348623E308")]
    public void A_double_parses_to_exactly_what_double_Parse_gives(string text)
    {
        FieldParsers.TryParseDouble(text, out var value).ShouldBeTrue();
        BitConverter.DoubleToInt64Bits(value).ShouldBe(BitConverter.DoubleToInt64Bits(ParsedByDotNet(text)));
    }

    [Test]
    public void Plain_decimals_of_up_to_15_digits_parse_bit_for_bit_like_double_Parse()
    {
        var random = new Random(20261127);
        for (var i = 0; i < 200_000; i++)
        {
            var digits = random.Next(1, 16);
            var scale = random.Next(0, digits);
            var number = random.NextInt64(0, (long)Math.Pow(10, digits)).ToString(CultureInfo.InvariantCulture)
                .PadLeft(scale + 1, '0');
            var text = (random.Next(2) == 0 ? "-" : "") +
                       (scale == 0 ? number : $"{number[..^scale]}.{number[^scale..]}");

            FieldParsers.TryParseDouble(text, out var value).ShouldBeTrue(text);
            if (BitConverter.DoubleToInt64Bits(value) != BitConverter.DoubleToInt64Bits(ParsedByDotNet(text)))
                Assert.Fail($"{text} parsed as {value:R}, double.Parse gives {ParsedByDotNet(text):R}");
        }
    }

    [TestCase("1.2345678901234567891")]
    [TestCase("01.5")]
    [TestCase("1.")]
    [TestCase("+1")]
    [TestCase("1e400")]
    [TestCase("1.5.2")]
    [TestCase("12a")]
    [TestCase("-")]
    public void Text_that_would_not_round_trip_is_not_a_double(string text) =>
        FieldParsers.TryParseDouble(text, out _).ShouldBeFalse();

    static double ParsedByDotNet(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
