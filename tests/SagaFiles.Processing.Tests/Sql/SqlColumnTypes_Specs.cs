using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Conversion.Sql;

namespace SagaFiles.Processing.Tests.Sql;

public class SqlColumnTypes_Specs
{
    [TestCase("integer", ColumnType.Int64, 0)]
    [TestCase("int(11) unsigned", ColumnType.Int64, 0)]
    [TestCase("bigserial", ColumnType.Int64, 0)]
    [TestCase("smallint", ColumnType.Int64, 0)]
    [TestCase("tinyint(4)", ColumnType.Int64, 0)]
    [TestCase("tinyint(1)", ColumnType.Boolean, 0)]
    [TestCase("bigint unsigned", ColumnType.Decimal, 0)]
    [TestCase("numeric(10,2)", ColumnType.Decimal, 2)]
    [TestCase("DECIMAL(28,4)", ColumnType.Decimal, 4)]
    [TestCase("numeric(12)", ColumnType.Decimal, 0)]
    [TestCase("numeric(30,2)", ColumnType.String, 0)]
    [TestCase("numeric", ColumnType.String, 0)]
    [TestCase("double precision", ColumnType.Double, 0)]
    [TestCase("real", ColumnType.Double, 0)]
    [TestCase("float(53)", ColumnType.Double, 0)]
    [TestCase("boolean", ColumnType.Boolean, 0)]
    [TestCase("date", ColumnType.Date, 0)]
    [TestCase("timestamp(6) with time zone", ColumnType.Timestamp, 0)]
    [TestCase("timestamp without time zone", ColumnType.Timestamp, 0)]
    [TestCase("datetime(3)", ColumnType.Timestamp, 0)]
    [TestCase("timestamptz", ColumnType.Timestamp, 0)]
    [TestCase("character varying(255)", ColumnType.String, 0)]
    [TestCase("time without time zone", ColumnType.String, 0)]
    [TestCase("integer[]", ColumnType.String, 0)]
    [TestCase("uuid", ColumnType.String, 0)]
    [TestCase("bytea", ColumnType.String, 0)]
    [TestCase("json", ColumnType.String, 0)]
    public void Declared_types_map_to_parquet_types(string declared, ColumnType type, int scale)
    {
        var spec = SqlColumnTypes.Map(declared, new HashSet<string>());

        (spec.Type, spec.Scale).ShouldBe((type, scale));
    }

    [Test]
    public void Enumerations_are_dictionary_encoded_strings()
    {
        var enums = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "order_status" };

        SqlColumnTypes.Map("enum('new','shipped')", enums).ShouldBe(new ColumnSpec(ColumnType.String, 0, true));
        SqlColumnTypes.Map("public.order_status", enums).ShouldBe(new ColumnSpec(ColumnType.String, 0, true));
        SqlColumnTypes.Map("public.other_type", enums).ShouldBe(new ColumnSpec(ColumnType.String, 0, false));
    }
}
