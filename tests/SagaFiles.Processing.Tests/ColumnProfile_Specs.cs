using SagaFiles.Processing.Conversion;

namespace SagaFiles.Processing.Tests;

public class ColumnProfile_Specs
{
    static ColumnSpec Infer(params string[] values)
    {
        var profile = new ColumnProfile();
        foreach (var value in values)
            profile.Observe(value);
        return profile.Infer();
    }

    [TestCase(ColumnType.Int64, "1", "-20", "9223372036854775807")]
    [TestCase(ColumnType.Double, "1", "2.5", "1e3")]
    [TestCase(ColumnType.Boolean, "true", "FALSE")]
    [TestCase(ColumnType.Date, "2024-01-31", "1999-12-31")]
    [TestCase(ColumnType.Timestamp, "2024-01-31T10:00:00Z", "2024-02-01 08:00")]
    [TestCase(ColumnType.Timestamp, "2024-01-31", "2024-02-01T08:00:00+02:00")]
    [TestCase(ColumnType.String, "1", "x")]
    [TestCase(ColumnType.String, "2024-01-31", "17")]
    [TestCase(ColumnType.String, "true", "1")]
    [TestCase(ColumnType.String, "9223372036854775808", "1e400")]
    public void Values_infer_the_narrowest_type_that_holds_them_all(ColumnType expected, params string[] values) =>
        Infer(values).Type.ShouldBe(expected);

    [Test]
    public void Many_significant_digits_become_a_decimal_with_the_largest_scale() =>
        Infer("12345678901234567.8", "0.125").ShouldBe(new ColumnSpec(ColumnType.Decimal, 3, false));

    [Test]
    public void A_column_without_values_is_a_string() => Infer().Type.ShouldBe(ColumnType.String);

    [Test]
    public void Repetitive_strings_use_a_dictionary_and_unique_ones_do_not()
    {
        Infer("a", "b", "a", "b").UseDictionary.ShouldBeTrue();
        Infer("a", "b", "c", "d").UseDictionary.ShouldBeFalse();
    }

    /// <summary>A quantity or a day repeats as a status does: its dictionary's indexes leave little to compress.</summary>
    [TestCase(ColumnType.Int64, "3", "12", "3", "12")]
    [TestCase(ColumnType.Double, "0.5", "1.25", "0.5", "0.5")]
    [TestCase(ColumnType.Date, "2024-01-31", "2024-01-31", "2024-02-01", "2024-02-01")]
    public void Repetitive_values_of_any_type_use_a_dictionary(ColumnType type, params string[] values)
    {
        Infer(values).ShouldBe(new ColumnSpec(type, 0, true));
        Infer([.. values.Distinct(), "0"]).UseDictionary.ShouldBeFalse();
    }

    [Test]
    public void Booleans_never_use_a_dictionary() => Infer("true", "true", "true", "false").UseDictionary.ShouldBeFalse();
}
