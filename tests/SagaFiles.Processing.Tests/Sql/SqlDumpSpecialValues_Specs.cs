using System.Text;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Conversion.Sql;
using SagaFiles.Processing.Tests.Support;

namespace SagaFiles.Processing.Tests.Sql;

/// <summary>Values real dump tools write that are not plain literals: pg_dump's special floats, infinite and BC times,
/// and sqlite3's .dump with its 20-digit reals, 1e999 and replace(..., char(10)).</summary>
public class SqlDumpSpecialValues_Specs
{
    [Test]
    public async Task Pg_dump_special_floats_are_written_as_nan_and_infinities()
    {
        using var file = await ConvertOne("""
                                          CREATE TABLE public.m (r real, d double precision);
                                          COPY public.m (r, d) FROM stdin;
                                          NaN	Infinity
                                          -Infinity	1.5
                                          \.
                                          INSERT INTO public.m VALUES ('NaN', '-Infinity');
                                          """, "m");

        file.Values<double?>("r").ShouldBe([double.NaN, double.NegativeInfinity, double.NaN]);
        file.Values<double?>("d").ShouldBe([double.PositiveInfinity, 1.5, double.NegativeInfinity]);
        BitConverter.DoubleToInt64Bits(file.Values<double?>("r")[0]!.Value).ShouldBeGreaterThan(0, "a NaN without its sign bit");
    }

    [Test]
    public async Task Pg_dump_infinite_dates_and_timestamps_are_written_as_duckdb_writes_them()
    {
        using var file = await ConvertOne("""
                                          CREATE TABLE public.v (d date, ts timestamp without time zone, tz timestamp with time zone);
                                          COPY public.v (d, ts, tz) FROM stdin;
                                          infinity	-infinity	infinity
                                          -infinity	infinity	-infinity
                                          \.
                                          """, "v");

        file.RawValues<int?>("d").ShouldBe([int.MaxValue, -int.MaxValue]);
        file.RawValues<long?>("ts").ShouldBe([-long.MaxValue, long.MaxValue]);
        file.RawValues<long?>("tz").ShouldBe([long.MaxValue, -long.MaxValue]);
    }

    [Test]
    public async Task Pg_dump_dates_before_christ_keep_their_day()
    {
        using var file = await ConvertOne("""
                                          CREATE TABLE public.h (d date, ts timestamp, tz timestamptz);
                                          COPY public.h (d, ts, tz) FROM stdin;
                                          0001-12-31 BC	0044-03-15 12:00:00 BC	0044-03-15 12:00:00+01 BC
                                          \.
                                          """, "h");

        // Proleptic Gregorian, astronomical years: 1 BC is year 0, 44 BC is year -43.
        file.RawValues<int?>("d").ShouldBe([DaysFromCivil(0, 12, 31)]);
        file.RawValues<long?>("ts").ShouldBe([DaysFromCivil(-43, 3, 15) * 86_400_000_000L + 12 * 3_600_000_000L]);
        file.RawValues<long?>("tz").ShouldBe([DaysFromCivil(-43, 3, 15) * 86_400_000_000L + 11 * 3_600_000_000L]);
    }

    [Test]
    public async Task A_sqlite3_dump_with_newlines_infinities_and_twenty_digit_reals_converts()
    {
        // As sqlite3 3.40's .dump writes it.
        var dump = """
                   PRAGMA foreign_keys=OFF;
                   BEGIN TRANSACTION;
                   CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, data BLOB);
                   INSERT INTO users VALUES(1,replace(replace('a\nb\r\nc','\r',char(13)),'\n',char(10)),1e999,X'00ff');
                   INSERT INTO users VALUES(2,'it''s \n',-1e999,NULL);
                   INSERT INTO users VALUES(3,replace('x\ny','\n',char(10)),0.10000000000000000555,X'0000');
                   INSERT INTO users VALUES(4,unistr('tab\0009 and \u00e9 and \\'),0.33333333333333331483,NULL);
                   COMMIT;
                   """;

        using var file = await ConvertOne(dump, "users");

        file.Values<string?>("name").ShouldBe(["a\nb\r\nc", "it's \\n", "x\ny", "tab\t and é and \\"]);
        file.Values<double?>("score").ShouldBe([double.PositiveInfinity, double.NegativeInfinity, 0.1, 1.0 / 3]);
    }

    [Test]
    public async Task A_double_with_seventeen_digits_that_do_not_name_it_shortest_still_fails()
    {
        var error = await Should.ThrowAsync<ConversionException>(() =>
            ConvertOne("CREATE TABLE t (x float8);\nINSERT INTO t VALUES (0.12345678901234567);\n", "t"));

        error.Message.ShouldContain("does not fit its type float8");
    }

    [Test]
    public async Task Dates_written_with_slashes_or_one_digit_months_and_days_are_the_days_they_name()
    {
        // The Chinook sample database's MySQL and PostgreSQL scripts, which both databases load.
        using var file = await ConvertOne("""
                                          CREATE TABLE `Employee` (`Id` INT, `BirthDate` DATETIME, `HireDate` DATE);
                                          INSERT INTO `Employee` (`Id`, `BirthDate`, `HireDate`) VALUES
                                              (1, '1962/2/18', '2002/8/14'),
                                              (2, '1958/12/8 10:30:00', '2002-5-1'),
                                              (3, '2000-1-02 00:00:00.5', '2004/03/04');
                                          """, "Employee");

        file.Values<DateTime?>("BirthDate").ShouldBe([new DateTime(1962, 2, 18), new DateTime(1958, 12, 8, 10, 30, 0),
            new DateTime(2000, 1, 2, 0, 0, 0, 500)]);
        file.Values<DateOnly?>("HireDate").ShouldBe([new DateOnly(2002, 8, 14), new DateOnly(2002, 5, 1), new DateOnly(2004, 3, 4)]);
    }

    [Test]
    public async Task Dates_written_month_first_are_read_as_sql_server_and_postgresql_read_them()
    {
        // Northwind's instnwnd.sql; SQL Server (us_english) and PostgreSQL (DateStyle MDY) read the month first.
        using var file = await ConvertOne("""
                                          CREATE TABLE "Orders" ("OrderID" "int" NOT NULL, "OrderDate" "datetime" NULL);
                                          INSERT INTO "Orders" VALUES (10248,'7/4/1996'), (10249,'12/08/1948 10:30:00');
                                          """, "Orders");

        file.Values<DateTime?>("OrderDate").ShouldBe([new DateTime(1996, 7, 4), new DateTime(1948, 12, 8, 10, 30, 0)]);
    }

    [TestCase("2002/13/1")]
    [TestCase("2002/2/30")]
    [TestCase("2002/2-3")]
    [TestCase("2002/123/1")]
    [TestCase("13/1/1996")]
    [TestCase("1-2-1996")]
    public async Task A_slashed_date_that_names_no_day_still_fails(string date)
    {
        var error = await Should.ThrowAsync<ConversionException>(() =>
            ConvertOne($"CREATE TABLE t (d date);\nINSERT INTO t VALUES ('{date}');\n", "t"));

        error.Message.ShouldContain("does not fit its type date");
    }

    static int DaysFromCivil(long y, int m, int d)
    {
        y -= m <= 2 ? 1 : 0;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yoe = y - era * 400;
        var doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        var doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return (int)(era * 146097 + doe - 719468);
    }

    static async Task<ParquetFile> ConvertOne(string dump, string table)
    {
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(dump));
        var outputs = new Dictionary<string, MemoryStream>();
        await new SqlDumpToParquetConverter().ConvertAsync(input, name => outputs[name] = new MemoryStream(),
            SqlConversionOptions.Default);
        return new ParquetFile(outputs[table].ToArray());
    }
}
