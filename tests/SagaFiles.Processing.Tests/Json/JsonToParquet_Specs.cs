using System.Text;
using ParquetSharp;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Conversion.Json;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Tests.Support;
using Encoding = System.Text.Encoding;

namespace SagaFiles.Processing.Tests.Json;

public class JsonToParquet_Specs
{
    readonly JsonToParquetConverter _converter = new();

    async Task<(ConversionResult Result, ParquetFile File)> Convert(string json, JsonConversionOptions? options = null)
    {
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(json));
        await using var output = new MemoryStream();
        var result = await _converter.ConvertAsync(input, output, options ?? JsonConversionOptions.Json);
        return (result, new ParquetFile(output.ToArray()));
    }

    Task<ConversionException> Failure(string json, JsonConversionOptions? options = null) =>
        Failure(Encoding.UTF8.GetBytes(json), options);

    async Task<ConversionException> Failure(byte[] json, JsonConversionOptions? options = null)
    {
        await using var input = new MemoryStream(json);
        return await Should.ThrowAsync<ConversionException>(() =>
            _converter.ConvertAsync(input, new MemoryStream(), options ?? JsonConversionOptions.Json));
    }

    [Test]
    public async Task An_array_of_objects_becomes_rows_with_types_inferred_from_the_values()
    {
        const string json = """
                            [
                              {"id": 1, "price": 9.99, "amount": 12345678901234567.89, "active": true,
                               "day": "2024-03-01", "at": "2024-03-01T10:15:30Z", "name": "Ann"},
                              {"id": -2, "price": 1e3, "amount": -0.01, "active": false,
                               "day": "2000-02-29", "at": "2024-03-01T12:15:30.123456+02:00", "name": "Bø \"B\"\n"},
                              {"id": 9223372036854775807, "price": null, "amount": 1, "active": null,
                               "day": null, "at": null, "name": null}
                            ]
                            """;

        var (result, file) = await Convert(json);
        using var _ = file;

        result.RowCount.ShouldBe(3);
        result.Restarted.ShouldBeFalse();
        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("id", ColumnType.Int64), ("price", ColumnType.Double), ("amount", ColumnType.Decimal),
            ("active", ColumnType.Boolean), ("day", ColumnType.Date), ("at", ColumnType.Timestamp),
            ("name", ColumnType.String)
        ]);
        result.Columns.Single(c => c.Name == "amount").Scale.ShouldBe(2);
        file.Values<long?>("id").ShouldBe([1L, -2L, long.MaxValue]);
        file.Values<double?>("price").ShouldBe([9.99, 1000.0, null]);
        file.Values<decimal?>("amount").ShouldBe([12345678901234567.89m, -0.01m, 1m]);
        file.Values<bool?>("active").ShouldBe([true, false, null]);
        file.Values<DateOnly?>("day").ShouldBe([new DateOnly(2024, 3, 1), new DateOnly(2000, 2, 29), null]);
        file.Values<DateTime?>("at").ShouldBe([
            new DateTime(2024, 3, 1, 10, 15, 30, DateTimeKind.Utc),
            new DateTime(2024, 3, 1, 10, 15, 30, DateTimeKind.Utc).AddTicks(1_234_560),
            null
        ]);
        file.Values<string?>("name").ShouldBe(["Ann", "Bø \"B\"\n", null]);
        file.Descriptor("id").PhysicalType.ShouldBe(PhysicalType.Int64);
        file.CompressionOf("name").ShouldBe(Compression.Zstd);
    }

    [Test]
    public async Task Strings_stay_strings_even_when_they_read_as_numbers_or_booleans()
    {
        var (result, file) = await Convert("""[{"zip": "007", "code": "123", "flag": "true"}, {"zip": "10", "code": "4", "flag": "false"}]""");
        using var _ = file;

        result.Columns.ShouldAllBe(c => c.Type == ColumnType.String);
        file.Values<string?>("zip").ShouldBe(["007", "10"]);
        file.Values<string?>("code").ShouldBe(["123", "4"]);
        file.Values<string?>("flag").ShouldBe(["true", "false"]);
    }

    [Test]
    public async Task Nested_objects_become_dotted_columns_in_order_of_first_appearance()
    {
        const string json = """
                            [
                              {"id": 1, "address": {"city": "Oslo", "geo": {"lat": 59.91, "lon": 10.75}}, "tag": "a"},
                              {"id": 2, "address": {"city": "Bergen"}},
                              {"id": 3, "address": null, "tag": "c"},
                              {"id": 4}
                            ]
                            """;

        var (result, file) = await Convert(json);
        using var _ = file;

        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("id", ColumnType.Int64), ("address.city", ColumnType.String), ("address.geo.lat", ColumnType.Double),
            ("address.geo.lon", ColumnType.Double), ("tag", ColumnType.String)
        ]);
        file.Values<string?>("address.city").ShouldBe(["Oslo", "Bergen", null, null]);
        file.Values<double?>("address.geo.lat").ShouldBe([59.91, null, null, null]);
        file.Values<string?>("tag").ShouldBe(["a", null, "c", null]);
    }

    [Test]
    public async Task Arrays_are_kept_whole_as_compact_json_text()
    {
        const string json = """
                            [
                              {"id": 1, "tags": ["a", "b"], "points": [[1, 2.50], [3, -4e2]], "items": [{"sku": "X", "qty": 2}]},
                              {"id": 2, "tags": [], "points": [ ], "items": [{"note": "é \"q\" \u00e9\n", "ok": true, "none": null}]},
                              {"id": 3, "tags": null}
                            ]
                            """;

        var (result, file) = await Convert(json);
        using var _ = file;

        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("id", ColumnType.Int64), ("tags", ColumnType.String), ("points", ColumnType.String),
            ("items", ColumnType.String)
        ]);
        file.Values<string?>("tags").ShouldBe(["[\"a\",\"b\"]", "[]", null]);
        file.Values<string?>("points").ShouldBe(["[[1,2.50],[3,-4e2]]", "[]", null]);
        file.Values<string?>("items").ShouldBe([
            "[{\"sku\":\"X\",\"qty\":2}]", "[{\"note\":\"é \\\"q\\\" é\\n\",\"ok\":true,\"none\":null}]", null
        ]);
    }

    [Test]
    public async Task A_key_whose_values_conflict_widens_to_string_keeping_each_value_as_written()
    {
        const string json = """
                            [
                              {"n": 1, "b": true, "d": "2024-01-01", "o": {"x": 1}, "a": [1]},
                              {"n": "two", "b": 0, "d": "soon", "o": 5, "a": "one"},
                              {"n": 3.5, "b": false, "d": 20240101, "o": null, "a": null}
                            ]
                            """;

        var (result, file) = await Convert(json);
        using var _ = file;

        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("n", ColumnType.String), ("b", ColumnType.String), ("d", ColumnType.String), ("o", ColumnType.Int64),
            ("o.x", ColumnType.Int64), ("a", ColumnType.String)
        ]);
        file.Values<string?>("n").ShouldBe(["1", "two", "3.5"]);
        file.Values<string?>("b").ShouldBe(["true", "0", "false"]);
        file.Values<string?>("d").ShouldBe(["2024-01-01", "soon", "20240101"]);
        file.Values<string?>("a").ShouldBe(["[1]", "one", null]);
        file.Values<long?>("o").ShouldBe([null, 5L, null]);
        file.Values<long?>("o.x").ShouldBe([1L, null, null]);
    }

    [Test]
    public async Task Missing_keys_are_null_and_a_key_first_seen_in_the_last_record_still_gets_its_column()
    {
        var records = Enumerable.Range(0, 20_000).Select(i => $$"""{"i": {{i}}}""").Append("""{"i": 20000, "late": "x"}""");
        var json = "[" + string.Join(",\n", records) + "]";

        var (result, file) = await Convert(json);
        using var _ = file;

        result.Columns.Select(c => c.Name).ShouldBe(["i", "late"]);
        var late = file.Values<string?>("late");
        late.Length.ShouldBe(20_001);
        late[..20_000].ShouldAllBe(v => v == null);
        late[^1].ShouldBe("x");
    }

    [Test]
    public async Task A_key_only_ever_null_is_a_string_column_of_nulls()
    {
        var (result, file) = await Convert("""[{"a": 1, "gone": null}, {"a": 2}]""");
        using var _ = file;

        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([("a", ColumnType.Int64), ("gone", ColumnType.String)]);
        file.Values<string?>("gone").ShouldBe([null, null]);
    }

    [Test]
    public async Task A_single_object_is_one_row()
    {
        var (result, file) = await Convert("""  {"a": 1, "b": {"c": "x"}}  """);
        using var _ = file;

        result.RowCount.ShouldBe(1);
        file.Values<long?>("a").ShouldBe([1L]);
        file.Values<string?>("b.c").ShouldBe(["x"]);
    }

    [Test]
    public async Task Records_that_are_arrays_are_rows_holding_them_as_json_text_as_duckdb_reads_them()
    {
        // The US Census API's tables: rows as arrays, the first one the header
        var (result, file) = await Convert("[[\"NAME\",\"POP\",\"state\"],\n [\"Alabama\",\"4903185\",\"01\"],\n [\"Alaska\",\"731545\",\"02\"]]");
        using var _ = file;

        result.RowCount.ShouldBe(3);
        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([("json", ColumnType.String)]);
        file.Values<string?>("json").ShouldBe(
            ["[\"NAME\",\"POP\",\"state\"]", "[\"Alabama\",\"4903185\",\"01\"]", "[\"Alaska\",\"731545\",\"02\"]"]);
    }

    [TestCase("[1, 2.5, null]", false)]
    [TestCase("1\n2.5\nnull\n", true)]
    public async Task Records_that_are_scalars_are_rows_of_one_typed_column(string json, bool lines)
    {
        var (result, file) = await Convert(json, lines ? JsonConversionOptions.JsonLines : JsonConversionOptions.Json);
        using var _ = file;

        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([("json", ColumnType.Double)]);
        file.Values<double?>("json").ShouldBe([1.0, 2.5, null]);
    }

    [Test]
    public async Task Json_lines_mixing_objects_and_arrays_keep_both()
    {
        var (result, file) = await Convert("{\"a\": 1}\n[2, 3]\n{\"a\": 4}\n", JsonConversionOptions.JsonLines);
        using var _ = file;

        result.Columns.Select(c => c.Name).ShouldBe(["a", "json"]);
        file.Values<long?>("a").ShouldBe([1L, null, 4L]);
        file.Values<string?>("json").ShouldBe([null, "[2,3]", null]);
    }

    [Test]
    public async Task Json_lines_are_one_row_per_line_skipping_blank_lines()
    {
        const string jsonl = "\uFEFF{\"a\": 1, \"b\": \"x\"}\r\n\r\n   \n{\"a\": 2, \"c\": {\"d\": true}}\n{\"a\": 3}";

        var (result, file) = await Convert(jsonl, JsonConversionOptions.JsonLines);
        using var _ = file;

        result.RowCount.ShouldBe(3);
        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("a", ColumnType.Int64), ("b", ColumnType.String), ("c.d", ColumnType.Boolean)
        ]);
        file.Values<long?>("a").ShouldBe([1L, 2L, 3L]);
        file.Values<bool?>("c.d").ShouldBe([null, true, null]);
    }

    [Test]
    public async Task Json_lines_also_read_objects_that_span_or_share_lines()
    {
        var (result, file) = await Convert("{\"a\": 1} {\"a\": 2}\n{\n  \"a\": 3\n}\n", JsonConversionOptions.JsonLines);
        using var _ = file;

        result.RowCount.ShouldBe(3);
        file.Values<long?>("a").ShouldBe([1L, 2L, 3L]);
    }

    [Test]
    public async Task Keys_differing_only_in_case_and_empty_keys_get_unique_names()
    {
        var (result, file) = await Convert("""{"Name": "a", "name": "b", "": 1}""");
        using var _ = file;

        result.Columns.Select(c => c.Name).ShouldBe(["Name", "name_2", "col_3"]);
        file.Values<string?>("name_2").ShouldBe(["b"]);
        file.Values<long?>("col_3").ShouldBe([1L]);
    }

    [TestCase("[]")]
    [TestCase("[{}, {}]")]
    [TestCase("{\"a\": {}}")]
    public async Task Input_without_any_key_fails_as_there_are_no_columns(string json)
    {
        var error = await Failure(json);

        error.Message.ShouldBe(
            "no object in the input has a key (an empty array, or only empty objects): there are no columns to write.");
    }

    [TestCase("", false)]
    [TestCase(" \n\t ", false)]
    [TestCase("\n\n", true)]
    public async Task Empty_input_fails(string json, bool lines)
    {
        var error = await Failure(json, lines ? JsonConversionOptions.JsonLines : JsonConversionOptions.Json);

        error.Message.ShouldBe("The input holds no JSON: it is empty or only whitespace.");
    }

    [TestCase("[\n{\"a\": 1},\n{\"a\": 2, \"b\": ", false, 3)]
    [TestCase("[\n{\"a\": 1},\n{\"a\": 2}", false, 3)]
    [TestCase("{\"a\": \"unfinished", false, 1)]
    [TestCase("{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3, \"b\": [1, 2", true, 3)]
    [TestCase("{\"a\": 1}\n{\"a\": tr", true, 2)]
    public async Task Truncated_input_fails_naming_the_line_where_it_ends(string json, bool lines, int line)
    {
        var error = await Failure(json, lines ? JsonConversionOptions.JsonLines : JsonConversionOptions.Json);

        error.LineNumber.ShouldBe(line);
        error.Message.ShouldBe($"Line {line}: the JSON ends before the document is complete (an object, array or " +
                               "string is not closed): the file looks truncated.");
    }

    [TestCase("\"text\"", "the document is a string")]
    [TestCase("42", "the document is a number")]
    [TestCase("null", "the document is null")]
    public async Task A_top_level_scalar_fails(string json, string reason)
    {
        var error = await Failure(json);

        error.Message.ShouldBe($"Line 1: {reason}; expected an object, an array of objects, or JSON Lines " +
                               "(one object per line, .jsonl).");
    }

    [TestCase("[{\"a\": 1}, null, {\"a\": 2}]", false)]
    [TestCase("{\"a\": 1}\nnull\n{\"a\": 2}\n", true)]
    [TestCase("{\"a\": 1}\nnull\n{\"a\": 2}\n", false)]
    public async Task A_null_record_is_a_row_of_nulls(string json, bool lines)
    {
        // JavaScript's JSON.stringify writes a deleted array element as null; DuckDB reads such a record as a row
        var (result, file) = await Convert(json, lines ? JsonConversionOptions.JsonLines : JsonConversionOptions.Json);
        using var _ = file;

        result.RowCount.ShouldBe(3);
        file.Values<long?>("a").ShouldBe([1L, null, 2L]);
    }

    [Test]
    public async Task Objects_one_after_another_in_a_json_document_are_rows_as_in_json_lines()
    {
        // jq's pretty output; or JSON Lines whose first record is longer than detection's prefix, detected as JSON
        var (result, file) = await Convert("{\n  \"a\": 1\n}\n{\n  \"a\": 2,\n  \"b\": \"x\"\n}\n{\"a\": 3}");
        using var _ = file;

        result.RowCount.ShouldBe(3);
        file.Values<long?>("a").ShouldBe([1L, 2L, 3L]);
        file.Values<string?>("b").ShouldBe([null, "x", null]);
    }

    [Test]
    public async Task A_value_after_the_documents_array_fails()
    {
        var error = await Failure("[{\"a\": 1}]\n[{\"a\": 2}]\n");

        error.Message.ShouldBe("Line 2: another JSON value follows the end of the document: a JSON document is one " +
                               "array of objects, or objects one after another (JSON Lines, .jsonl).");
    }

    [Test]
    public async Task Malformed_json_fails_naming_line_and_byte()
    {
        var error = await Failure("[\n  {\"a\": 1},\n  {\"a\": 2,, \"b\": 3}\n]");

        error.LineNumber.ShouldBe(3);
        error.Message.ShouldStartWith("Line 3: invalid JSON at byte 11: ");
    }

    [TestCase("[\n  {\"a\": 1},\n  {\"a\": 2},\n]\n", "Line 4: invalid JSON at byte 1: The JSON array contains a trailing comma at the end, which JSON does not allow.")]
    [TestCase("[\n  {\"a\": 1,}\n]\n", "Line 2: invalid JSON at byte 11: The JSON object contains a trailing comma at the end, which JSON does not allow.")]
    [TestCase("[\n  // people\n  {\"a\": 1}\n]\n", "Line 2: invalid JSON at byte 3: '/' is invalid after a value. Expected either ',', '}', or ']' (JSON has no comments).")]
    [TestCase("[\n  {\"a\": 1} /* one */\n]\n", "Line 2: invalid JSON at byte 12: '/' is invalid after a value. Expected either ',', '}', or ']' (JSON has no comments).")]
    public async Task Trailing_commas_and_comments_fail_saying_json_has_none(string json, string message)
    {
        var error = await Failure(json);

        error.Message.ShouldBe(message);
    }

    [Test]
    public async Task Invalid_utf8_fails_naming_the_line_rather_than_being_replaced()
    {
        byte[] latin1 = [.. "[{\"a\": \"ok\"},\n{\"a\": \"caf"u8, 0xE9, .. "\"}]"u8];

        var error = await Failure(latin1);

        error.LineNumber.ShouldBe(2);
        error.Message.ShouldContain("not valid UTF-8");
    }

    [Test]
    public async Task Half_a_surrogate_pair_escaped_reads_as_the_replacement_character()
    {
        // JSON.stringify and json.dumps write text cut inside an emoji so; no UTF-8 string can hold it
        const string json = """
                            [{"s": "cut \ud83d", "t": "\udc00\"\n\u00e9 \ud83d\ude00", "\ud800k": 1},
                             {"s": "whole \ud83d\ude00", "t": "plain", "\ud800k": 2}]
                            """;

        var (result, file) = await Convert(json);
        using var _ = file;

        result.Columns.Select(c => c.Name).ShouldBe(["s", "t", "\uFFFDk"]);
        file.Values<string?>("s").ShouldBe(["cut \uFFFD", "whole \U0001F600"]);
        file.Values<string?>("t").ShouldBe(["\uFFFD\"\n\u00e9 \U0001F600", "plain"]);
    }

    [Test]
    public async Task A_key_twice_in_one_object_fails_naming_it()
    {
        var error = await Failure("[{\"a\": {\"b\": 1}},\n {\"a.b\": 2, \"a\": {\"b\": 3}}]");

        error.LineNumber.ShouldBe(2);
        error.Message.ShouldContain("the key 'a.b' appears twice in one object");
    }

    [Test]
    public async Task A_value_longer_than_the_limit_fails_naming_its_line()
    {
        var json = "{\"a\": 1}\n{\"a\": \"" + new string('x', 5000) + "\"}\n";

        var error = await Failure(json, JsonConversionOptions.JsonLines with { MaxValueBytes = 1024 });

        error.LineNumber.ShouldBe(2);
        error.Message.ShouldContain("longer than 1,024 bytes");
    }

    [Test]
    public async Task Values_longer_than_the_read_buffer_convert_whole()
    {
        var big = new string('é', 100_000);
        var array = "[" + string.Join(",", Enumerable.Range(0, 20_000)) + "]";

        var (_, file) = await Convert($$"""[{"s": "{{big}}", "a": {{array}}}, {"s": "short"}]""");
        using var _ = file;

        file.Values<string?>("s").ShouldBe([big, "short"]);
        file.Values<string?>("a")[0].ShouldBe(array);
    }

    [Test]
    public async Task Pythons_bare_nan_and_infinities_are_doubles_unless_the_numbers_beside_them_are_not()
    {
        // json.dumps writes float('nan') and the infinities so by default, though JSON has no such numbers
        const string json = """
                            [{"x": 1.5, "n": NaN, "big": 12345678901234567890123, "a": [NaN,-Infinity]},
                             {"x": Infinity, "n": 2, "big": NaN},
                             {"x": -Infinity, "n": NaN}]
                            """;

        var (result, file) = await Convert(json);
        using var _ = file;

        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("x", ColumnType.Double), ("n", ColumnType.Double), ("big", ColumnType.String), ("a", ColumnType.String)
        ]);
        file.Values<double?>("x").ShouldBe([1.5, double.PositiveInfinity, double.NegativeInfinity]);
        file.Values<double?>("n").ShouldBe([double.NaN, 2.0, double.NaN]);
        file.Values<string?>("big").ShouldBe(["12345678901234567890123", "NaN", null]);
        file.Values<string?>("a").ShouldBe(["[NaN,-Infinity]", null, null]);
    }

    [Test]
    public async Task Bare_nan_and_infinities_read_wherever_the_read_buffer_cuts_them()
    {
        string[] values = ["NaN", "Infinity", "-Infinity", "1.25"];
        var jsonl = string.Concat(Enumerable.Range(0, 30_000).Select(i => $"{{\"v\": {values[i % 4]}}}\n"));

        var (result, file) = await Convert(jsonl, JsonConversionOptions.JsonLines);
        using var _ = file;

        result.RowCount.ShouldBe(30_000);
        file.Values<double?>("v").Distinct().ShouldBe([double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1.25]);
    }

    [TestCase("[{\"a\": NaNa}]")]
    [TestCase("[{\"a\": Inf}]")]
    [TestCase("[{\"a\": \"x\" NaN}]")]
    public async Task Other_bare_words_stay_malformed(string json)
    {
        var error = await Failure(json);

        error.Message.ShouldStartWith("Line 1: invalid JSON at byte ");
    }

    [Test]
    public async Task Too_many_distinct_key_paths_fail_suggesting_arrays()
    {
        var json = "{" + string.Join(",", Enumerable.Range(0, 20).Select(i => $"\"k{i}\": {i}")) + "}";

        var error = await Failure(json, JsonConversionOptions.Json with { Limits = new ProcessingLimits { MaxFlattenedColumns = 10 } });

        error.Message.ShouldContain("more distinct key paths (the last one: 'k10'");
        error.Message.ShouldContain("store such maps as arrays of objects");
        error.Message.ShouldContain("raise Processing:Limits:MaxFlattenedColumns");
    }

    [Test]
    public async Task Past_the_key_path_limit_the_key_holding_the_most_paths_keeps_its_objects_whole_as_json_text()
    {
        // GitHub's event archive: each kind of event has a payload of keys of its own, thousands in all.
        const string jsonLines = """
                                 {"id": 1, "type": "PushEvent", "payload": {"ref": "main", "size": 2, "head": {"sha": "a1", "x": 1}}, "repo": {"name": "r"}}
                                 {"id": 2, "type": "IssuesEvent", "payload": {"action": "opened", "issue": {"number": 7, "title": "Bø"}}, "repo": {"name": "s"}}
                                 {"id": 3, "type": "ForkEvent", "payload": {"forkee": {"id": 9, "topics": ["a"]}}, "repo": {"name": "t"}, "payload.note": "kept"}
                                 {"id": 4, "type": "GollumEvent", "payload": null, "repo": {"name": "u"}}
                                 """;

        var (result, file) = await Convert(jsonLines, JsonConversionOptions.JsonLines with { Limits = new ProcessingLimits { MaxFlattenedColumns = 6 } });
        using var _ = file;

        result.RowCount.ShouldBe(4);
        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("id", ColumnType.Int64), ("type", ColumnType.String), ("payload", ColumnType.String), ("repo.name", ColumnType.String),
            ("payload.note", ColumnType.String)
        ]);
        // Every record's payload, those read before the limit was reached too, whole and compact.
        file.Values<string?>("payload").ShouldBe([
            """{"ref":"main","size":2,"head":{"sha":"a1","x":1}}""", """{"action":"opened","issue":{"number":7,"title":"Bø"}}""",
            """{"forkee":{"id":9,"topics":["a"]}}""", null
        ]);
        file.Values<string>("repo.name").ShouldBe(["r", "s", "t", "u"]);
        file.Values<string?>("payload.note").ShouldBe([null, null, "kept", null]);
    }

    [Test]
    public async Task A_quarter_million_records_stream_through_in_row_groups()
    {
        const int records = 250_000;
        await using var input = new RepeatedJsonStream("[\n",
            i => $$"""{"id": {{i,7}}, "user": {"name": "u{{i % 100,2}}", "score": {{i % 1000,3}}.5}, "tags": ["t{{i % 10}}"]}""",
            records, ",\n", "\n]\n");
        await using var output = new MemoryStream();

        var result = await _converter.ConvertAsync(input, output,
            JsonConversionOptions.Json with { Parquet = new ParquetWriteOptions { RowGroupSize = 50_000 } });

        result.RowCount.ShouldBe(records);
        result.RowGroupCount.ShouldBe(5);
        result.InputBytes.ShouldBe(input.Length);
        result.OutputBytes.ShouldBe(output.Length);
        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("id", ColumnType.Int64), ("user.name", ColumnType.String), ("user.score", ColumnType.Double),
            ("tags", ColumnType.String)
        ]);
        using var file = new ParquetFile(output.ToArray());
        var ids = file.Values<long?>("id");
        ids[0].ShouldBe(0);
        ids[^1].ShouldBe(records - 1);
        file.Values<double?>("user.score")[^1].ShouldBe((records - 1) % 1000 + 0.5);
        file.Values<string?>("tags")[^1].ShouldBe($"[\"t{(records - 1) % 10}\"]");
    }

    [Test]
    public async Task Conversion_starts_at_the_input_streams_position()
    {
        await using var input = new MemoryStream("ignored{\"a\": 1}"u8.ToArray()) { Position = 7 };
        await using var output = new MemoryStream();

        var result = await _converter.ConvertAsync(input, output, JsonConversionOptions.Json);

        result.InputBytes.ShouldBe(input.Length - 7);
        using var file = new ParquetFile(output.ToArray());
        file.Values<long?>("a").ShouldBe([1L]);
    }

    [TestCase(FileKind.Json, false)]
    [TestCase(FileKind.JsonLines, true)]
    public void Options_follow_the_detected_kind(FileKind kind, bool lines) =>
        JsonConversionOptions.For(new DetectedFileType(kind, "application/json", ".json"), ProcessingLimits.Default).Lines.ShouldBe(lines);
}
