using System.Text;
using ParquetSharp;
using Encoding = System.Text.Encoding;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Conversion.Sql;
using SagaFiles.Processing.Tests.Json;
using SagaFiles.Processing.Tests.Support;

namespace SagaFiles.Processing.Tests.Sql;

public class SqlDumpToParquet_Specs
{
    const string PgDumpHeader = """
                                --
                                -- PostgreSQL database dump
                                --

                                \restrict 7fGhQ2mZ

                                -- Dumped from database version 16.4
                                -- Dumped by pg_dump version 16.4

                                SET statement_timeout = 0;
                                SET client_encoding = 'UTF8';
                                SET standard_conforming_strings = on;
                                SELECT pg_catalog.set_config('search_path', '', false);
                                SET check_function_bodies = false;
                                SET xmloption = content;
                                SET client_min_messages = warning;
                                SET row_security = off;

                                """;

    const string MySqlDumpHeader = """
                                   -- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
                                   --
                                   -- Host: localhost    Database: shop
                                   -- ------------------------------------------------------
                                   -- Server version	8.0.36

                                   /*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
                                   /*!40101 SET NAMES utf8mb4 */;
                                   /*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
                                   /*!40103 SET TIME_ZONE='+00:00' */;
                                   /*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
                                   /*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;

                                   """;

    readonly SqlDumpToParquetConverter _converter = new();

    [Test]
    public async Task A_pg_dump_with_copy_blocks_becomes_one_typed_file_per_table()
    {
        const string dump = PgDumpHeader + """
            CREATE TYPE public.order_status AS ENUM (
                'new',
                'shipped'
            );

            ALTER TYPE public.order_status OWNER TO shop;

            CREATE FUNCTION public.touch() RETURNS trigger
                LANGUAGE plpgsql
                AS $$
            BEGIN
              INSERT INTO public.audit VALUES (now());
              RETURN NEW;
            END;
            $$;

            SET default_table_access_method = heap;

            CREATE TABLE public.customers (
                id integer NOT NULL,
                name text NOT NULL,
                email character varying(255),
                vip boolean DEFAULT false NOT NULL,
                born date,
                created_at timestamp with time zone DEFAULT now() NOT NULL
            );

            ALTER TABLE public.customers OWNER TO shop;

            CREATE SEQUENCE public.customers_id_seq
                AS integer
                START WITH 1
                INCREMENT BY 1
                NO MINVALUE
                NO MAXVALUE
                CACHE 1;

            ALTER SEQUENCE public.customers_id_seq OWNED BY public.customers.id;

            CREATE TABLE public."Order" (
                id bigint NOT NULL,
                customer_id integer,
                total numeric(10,2),
                weight double precision,
                status public.order_status DEFAULT 'new'::public.order_status,
                tags text[],
                placed timestamp(0) without time zone,
                CONSTRAINT positive_total CHECK ((total >= (0)::numeric))
            );

            CREATE TABLE public.audit (
                at timestamp with time zone
            );

            ALTER TABLE ONLY public.customers ALTER COLUMN id SET DEFAULT nextval('public.customers_id_seq'::regclass);

            COPY public.customers (id, name, email, vip, born, created_at) FROM stdin;
            1	Ann O'Neil	ann@example.com	t	1990-04-01	2024-03-01 10:15:30.123456+00
            2	Bob\tTab	\N	f	\N	2024-03-02 08:00:00+02
            3	Zoë\\Back\nslash		t	2000-02-29	2024-03-03 00:00:00+00
            \.


            COPY public."Order" (id, customer_id, total, weight, status, tags, placed) FROM stdin;
            10	1	19.99	0.30000000000000004	new	{a,b}	2024-03-01 10:15:30
            11	2	-0.50	\N	shipped	\N	2024-03-02 00:00:00
            \.


            COPY public.audit (at) FROM stdin;
            \.


            SELECT pg_catalog.setval('public.customers_id_seq', 3, true);

            ALTER TABLE ONLY public.customers
                ADD CONSTRAINT customers_pkey PRIMARY KEY (id);

            CREATE INDEX idx_order_customer ON public."Order" USING btree (customer_id);

            --
            -- PostgreSQL database dump complete
            --

            \unrestrict 7fGhQ2mZ

            """;

        var dumpResult = await Convert(dump);

        dumpResult.Result.Tables.Select(t => t.Table).ShouldBe(["customers", "Order", "audit"]);
        dumpResult.Result.InputBytes.ShouldBe(Encoding.UTF8.GetByteCount(dump));

        var customers = dumpResult.Table("customers");
        customers.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("id", ColumnType.Int64), ("name", ColumnType.String), ("email", ColumnType.String),
            ("vip", ColumnType.Boolean), ("born", ColumnType.Date), ("created_at", ColumnType.Timestamp)
        ]);
        customers.RowCount.ShouldBe(3);
        using (var file = dumpResult.File("customers"))
        {
            file.Values<long?>("id").ShouldBe([1L, 2L, 3L]);
            file.Values<string?>("name").ShouldBe(["Ann O'Neil", "Bob\tTab", "Zoë\\Back\nslash"]);
            file.Values<string?>("email").ShouldBe(["ann@example.com", null, ""]);
            file.Values<bool?>("vip").ShouldBe([true, false, true]);
            file.Values<DateOnly?>("born").ShouldBe([new DateOnly(1990, 4, 1), null, new DateOnly(2000, 2, 29)]);
            file.Values<DateTime?>("created_at").ShouldBe([
                new DateTime(2024, 3, 1, 10, 15, 30, DateTimeKind.Utc).AddTicks(1_234_560),
                new DateTime(2024, 3, 2, 6, 0, 0, DateTimeKind.Utc),
                new DateTime(2024, 3, 3, 0, 0, 0, DateTimeKind.Utc)
            ]);
        }

        var orders = dumpResult.Table("Order");
        orders.Columns.Select(c => (c.Name, c.Type, c.Scale)).ShouldBe([
            ("id", ColumnType.Int64, 0), ("customer_id", ColumnType.Int64, 0), ("total", ColumnType.Decimal, 2),
            ("weight", ColumnType.Double, 0), ("status", ColumnType.String, 0), ("tags", ColumnType.String, 0),
            ("placed", ColumnType.Timestamp, 0)
        ]);
        using (var file = dumpResult.File("Order"))
        {
            file.Values<decimal?>("total").ShouldBe([19.99m, -0.50m]);
            file.Descriptor("total").LogicalType.ShouldBeOfType<DecimalLogicalType>().Scale.ShouldBe(2);
            file.Values<double?>("weight").ShouldBe([0.1 + 0.2, null]); // 17 digits, as pg_dump writes doubles
            file.Values<string?>("status").ShouldBe(["new", "shipped"]);
            file.Values<string?>("tags").ShouldBe(["{a,b}", null]);
            file.Values<DateTime?>("placed").ShouldBe([
                new DateTime(2024, 3, 1, 10, 15, 30, DateTimeKind.Utc), new DateTime(2024, 3, 2, 0, 0, 0, DateTimeKind.Utc)
            ]);
        }

        dumpResult.Table("audit").RowCount.ShouldBe(0);
        using (var file = dumpResult.File("audit"))
        {
            file.RowCount.ShouldBe(0);
            file.ColumnNames.ShouldBe(["at"]);
            file.Descriptor("at").LogicalType.ShouldBeOfType<TimestampLogicalType>();
        }
    }

    [Test]
    public async Task A_pg_dump_with_inserts_and_column_inserts_converts_the_same_rows()
    {
        const string dump = PgDumpHeader + """
            CREATE TABLE public.products (
                id integer GENERATED ALWAYS AS IDENTITY,
                name text,
                price numeric(8,2),
                in_stock boolean,
                meta jsonb
            );

            INSERT INTO public.products VALUES (1, 'Tea', 3.50, true, '{"kind": "leaf"}');
            INSERT INTO public.products VALUES (2, E'Café \'noir\'\n', -1.25, false, NULL);
            INSERT INTO public.products (id, name, price, in_stock, meta) OVERRIDING SYSTEM VALUE VALUES (3, 'It''s', 0, NULL, '[]'::jsonb);
            INSERT INTO public.products (name, id) OVERRIDING SYSTEM VALUE VALUES ('Only a name', 4), ('And another', 5);
            """;

        var dumpResult = await Convert(dump);

        var products = dumpResult.Table("products");
        products.RowCount.ShouldBe(5);
        products.Columns.Select(c => c.Type).ShouldBe([
            ColumnType.Int64, ColumnType.String, ColumnType.Decimal, ColumnType.Boolean, ColumnType.String
        ]);
        using var file = dumpResult.File("products");
        file.Values<long?>("id").ShouldBe([1L, 2L, 3L, 4L, 5L]);
        file.Values<string?>("name").ShouldBe(["Tea", "Café 'noir'\n", "It's", "Only a name", "And another"]);
        file.Values<decimal?>("price").ShouldBe([3.50m, -1.25m, 0m, null, null]);
        file.Values<bool?>("in_stock").ShouldBe([true, false, null, null, null]);
        file.Values<string?>("meta").ShouldBe(["{\"kind\": \"leaf\"}", null, "[]", null, null]);
    }

    [Test]
    public async Task A_mysqldump_with_multi_row_inserts_converts_with_its_escapes_and_types()
    {
        const string dump = MySqlDumpHeader + """
            --
            -- Table structure for table `orders`
            --

            DROP TABLE IF EXISTS `orders`;
            /*!40101 SET @saved_cs_client     = @@character_set_client */;
            /*!50503 SET character_set_client = utf8mb4 */;
            CREATE TABLE `orders` (
              `id` int unsigned NOT NULL AUTO_INCREMENT,
              `customer` varchar(100) COLLATE utf8mb4_unicode_ci NOT NULL,
              `total` decimal(10,2) DEFAULT NULL,
              `paid` tinyint(1) NOT NULL DEFAULT '0',
              `status` enum('new','shipped') CHARACTER SET utf8mb4 DEFAULT 'new',
              `placed` datetime DEFAULT CURRENT_TIMESTAMP,
              `due` date DEFAULT NULL,
              `big` bigint unsigned DEFAULT NULL,
              `ratio` double DEFAULT NULL,
              `note` text,
              PRIMARY KEY (`id`),
              KEY `idx_customer` (`customer`),
              CONSTRAINT `orders_chk` CHECK ((`total` >= 0))
            ) ENGINE=InnoDB AUTO_INCREMENT=4 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;
            /*!40101 SET character_set_client = @saved_cs_client */;

            --
            -- Dumping data for table `orders`
            --

            LOCK TABLES `orders` WRITE;
            /*!40000 ALTER TABLE `orders` DISABLE KEYS */;
            INSERT INTO `orders` VALUES (1,'O\'Brien; \"Ltd\"',9.99,1,'new','2024-03-01 10:15:30','2024-04-01',18446744073709551615,0.25,'line1\nline2\\'),(2,'Ann',NULL,0,'shipped','0000-00-00 00:00:00','0000-00-00',NULL,-1.5e-3,NULL),(3,_binary 'raw',-0.01,1,NULL,NULL,NULL,0,NULL,'');
            /*!40000 ALTER TABLE `orders` ENABLE KEYS */;
            UNLOCK TABLES;
            /*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
            DELIMITER ;;
            /*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `orders_touch` BEFORE UPDATE ON `orders` FOR EACH ROW BEGIN
              INSERT INTO `orders` VALUES (NEW.id);
            END */;;
            CREATE DEFINER=`root`@`localhost` PROCEDURE `add_order`(IN c varchar(100))
            BEGIN
              INSERT INTO `orders` (`customer`) VALUES (c);
            END ;;
            DELIMITER ;
            /*!50003 SET sql_mode              = @saved_sql_mode */ ;
            /*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

            -- Dump completed on 2024-03-05 12:00:00
            """;

        var dumpResult = await Convert(dump);

        var orders = dumpResult.Table("orders");
        orders.RowCount.ShouldBe(3);
        orders.Columns.Select(c => (c.Name, c.Type, c.Scale)).ShouldBe([
            ("id", ColumnType.Int64, 0), ("customer", ColumnType.String, 0), ("total", ColumnType.Decimal, 2),
            ("paid", ColumnType.Boolean, 0), ("status", ColumnType.String, 0), ("placed", ColumnType.Timestamp, 0),
            ("due", ColumnType.Date, 0), ("big", ColumnType.Decimal, 0), ("ratio", ColumnType.Double, 0),
            ("note", ColumnType.String, 0)
        ]);
        using var file = dumpResult.File("orders");
        file.Values<long?>("id").ShouldBe([1L, 2L, 3L]);
        file.Values<string?>("customer").ShouldBe(["O'Brien; \"Ltd\"", "Ann", "raw"]);
        file.Values<decimal?>("total").ShouldBe([9.99m, null, -0.01m]);
        file.Values<bool?>("paid").ShouldBe([true, false, true]);
        file.Values<string?>("status").ShouldBe(["new", "shipped", null]);
        file.Values<DateTime?>("placed").ShouldBe([new DateTime(2024, 3, 1, 10, 15, 30, DateTimeKind.Utc), null, null]);
        file.Values<DateOnly?>("due").ShouldBe([new DateOnly(2024, 4, 1), null, null]); // the zero date is no date
        file.Values<decimal?>("big").ShouldBe([18446744073709551615m, null, 0m]);
        file.Values<double?>("ratio").ShouldBe([0.25, -0.0015, null]);
        file.Values<string?>("note").ShouldBe(["line1\nline2\\", null, ""]);
    }

    [Test]
    public async Task Schema_qualified_and_quoted_names_resolve_to_safe_unique_file_names()
    {
        const string dump = """
                            CREATE TABLE sales.orders (id int);
                            CREATE TABLE archive.orders (id int);
                            CREATE TABLE `shop`.`order items` (`sku` varchar(20));
                            CREATE TABLE public."Q1/Q2 report" ("Value" int);
                            INSERT INTO archive.orders VALUES (2);
                            INSERT INTO sales.orders VALUES (1);
                            INSERT INTO `shop`.`order items` (`SKU`) VALUES ('A-1');
                            INSERT INTO "Q1/Q2 report" VALUES (7);
                            """;

        var dumpResult = await Convert(dump);

        dumpResult.Result.Tables.Select(t => t.Table).ShouldBe(["orders", "orders_2", "order items", "Q1_Q2 report"]);
        using (var sales = dumpResult.File("orders"))
            sales.Values<long?>("id").ShouldBe([1L]);
        using (var archive = dumpResult.File("orders_2"))
            archive.Values<long?>("id").ShouldBe([2L]);
        using (var items = dumpResult.File("order items"))
            items.Values<string?>("sku").ShouldBe(["A-1"]);
        using (var report = dumpResult.File("Q1_Q2 report"))
            report.Values<long?>("Value").ShouldBe([7L]);
    }

    [Test]
    public async Task Copy_data_with_crlf_line_ends_and_a_byte_order_mark_converts()
    {
        const string dump = "\uFEFFCREATE TABLE t (a int, b text);\r\nCOPY t (a, b) FROM stdin;\r\n1\tx\r\n2\t\\N\r\n\\.\r\n";

        var dumpResult = await Convert(dump);

        using var file = dumpResult.File("t");
        file.Values<long?>("a").ShouldBe([1L, 2L]);
        file.Values<string?>("b").ShouldBe(["x", null]);
    }

    [Test]
    public async Task Row_groups_are_written_as_rows_stream_and_tables_finish_one_after_another()
    {
        const int rows = 25_000;
        var dump = new StringBuilder("CREATE TABLE a (n bigint, s text);\nCREATE TABLE b (n bigint);\nCOPY a (n, s) FROM stdin;\n");
        for (var i = 0; i < rows; i++)
            dump.Append(i).Append("\trow ").Append(i).Append('\n');
        dump.Append("\\.\nINSERT INTO b VALUES (1),(2),(3);\n");
        var options = new SqlConversionOptions
            { Parquet = new ParquetWriteOptions { RowGroupSize = 10_000 }, MaxOpenTables = 1 };

        var dumpResult = await Convert(dump.ToString(), options);

        var a = dumpResult.Table("a");
        a.RowCount.ShouldBe(rows);
        a.RowGroupCount.ShouldBe(3);
        using (var file = dumpResult.File("a"))
        {
            file.RowGroupCount.ShouldBe(3);
            file.Values<long?>("n")[^1].ShouldBe(rows - 1);
            file.Values<string?>("s")[^1].ShouldBe($"row {rows - 1}");
        }

        dumpResult.Table("b").RowCount.ShouldBe(3);
    }

    [Test]
    public async Task A_dump_larger_than_memory_allows_streams_through_with_its_live_memory_bounded()
    {
        const long rows = 200_000;
        var baselineLiveBytes = GC.GetTotalMemory(forceFullCollection: true); // what earlier specs left (pooled buffers)
        long peakLiveGrowth = 0;
        // One INSERT of 200,000 rows (9 MB), as one long mysqldump line would be; rows all of one length.
        await using var dump = new RepeatedJsonStream(
            MySqlDumpHeader + "CREATE TABLE `events` (`id` bigint, `at` datetime, `amount` decimal(12,2), `label` varchar(40));\n" +
            "INSERT INTO `events` VALUES ",
            i =>
            {
                if (i % 40_000 == 0)
                    peakLiveGrowth = Math.Max(peakLiveGrowth, GC.GetTotalMemory(forceFullCollection: true) - baselineLiveBytes);
                return $"({1_000_000 + i},'2024-03-01 10:{i % 60:00}:00',{100 + i % 900}.25,'label {i % 97,2}')";
            },
            rows, ",", ";\n");
        var options = new SqlConversionOptions { Parquet = new ParquetWriteOptions { RowGroupSize = 16_384 } };

        var result = await _converter.ConvertAsync(dump, _ => Stream.Null, options);

        var events = result.Tables.Single().Result;
        events.RowCount.ShouldBe(rows);
        events.RowGroupCount.ShouldBe(13);
        result.InputBytes.ShouldBe(dump.Length);
        dump.Length.ShouldBeGreaterThan(9_000_000);
        peakLiveGrowth.ShouldBeLessThan(6_000_000); // holding the dump's text alone would take twice its bytes
    }

    [Test]
    public async Task Rows_of_a_table_already_finished_to_bound_memory_fail_naming_the_table()
    {
        const string dump = "CREATE TABLE a (n int);\nCREATE TABLE b (n int);\n" +
                            "INSERT INTO a VALUES (1);\nINSERT INTO b VALUES (1);\nINSERT INTO a VALUES (2);\n";

        var error = await Should.ThrowAsync<ConversionException>(() => Convert(dump, new SqlConversionOptions { MaxOpenTables = 1 }));

        error.LineNumber.ShouldBe(5);
        error.Message.ShouldContain("rows for table 'a' come after the rows of 1 other tables");
    }

    [Test]
    public async Task Interleaved_rows_of_a_few_tables_convert()
    {
        const string dump = "CREATE TABLE a (n int);\nCREATE TABLE b (n int);\n" +
                            "INSERT INTO a VALUES (1);\nINSERT INTO b VALUES (10);\nINSERT INTO a VALUES (2);\n";

        var dumpResult = await Convert(dump);

        using var file = dumpResult.File("a");
        file.Values<long?>("n").ShouldBe([1L, 2L]);
    }

    [Test]
    public async Task Rows_of_a_data_only_dump_become_tables_of_strings_named_as_the_rows_name_their_columns()
    {
        // pg_dump --data-only (COPY), pg_dump --data-only --inserts of a table with a generated column, and
        // sakila-data.sql, which comes without its schema script.
        const string dump = """
                            COPY public."Customer" ("Id", "Name", born) FROM stdin;
                            1	Ann	1999-12-31
                            2	\N	\N
                            \.
                            INSERT INTO sales.orders VALUES (1, 2, 1.500, DEFAULT, 'it''s');
                            INSERT INTO actor VALUES (1,'PENELOPE','2006-02-15 04:34:33'),(2,NULL,'2006-02-15 04:34:33');
                            """;

        var dumpResult = await Convert(dump);

        dumpResult.Result.Tables.Select(t => t.Table).ShouldBe(["Customer", "orders", "actor"]);
        dumpResult.Table("Customer").Columns.ShouldBe([
            new ConvertedColumn("Id", ColumnType.String), new ConvertedColumn("Name", ColumnType.String),
            new ConvertedColumn("born", ColumnType.String)
        ]);
        using (var customer = dumpResult.File("Customer"))
            customer.Values<string?>("born").ShouldBe(["1999-12-31", null]);
        using (var orders = dumpResult.File("orders"))
        {
            orders.Values<string?>("column_3").ShouldBe(["1.500"]);
            orders.Values<string?>("column_4").ShouldBe([null]);
            orders.Values<string?>("column_5").ShouldBe(["it's"]);
        }

        using var actor = dumpResult.File("actor");
        actor.Values<string?>("column_2").ShouldBe(["PENELOPE", null]);
    }

    [Test]
    public async Task A_copy_without_a_column_list_into_a_table_never_created_fails_naming_it()
    {
        var error = await Should.ThrowAsync<ConversionException>(() =>
            Convert("CREATE TABLE a (n int);\nCOPY b FROM stdin;\n1\n\\.\n"));

        error.Message.ShouldBe("Line 2: COPY into table 'b', which no CREATE TABLE before it defines, names no columns.");
    }

    [TestCase("INSERT INTO t VALUES (1, 'x'), (2, 'y', 3);",
        "Line 2: row 2 of the INSERT into 't' has 3 values, but table 't' has 2 columns.")]
    [TestCase("INSERT INTO t (a) VALUES (1, 'x');",
        "Line 2: row 1 of the INSERT into 't' has 2 values, but its column list names 1 columns.")]
    [TestCase("COPY t (a, b) FROM stdin;\n1\tx\n2\n\\.",
        "Line 4: the COPY row for table 't' has 1 values, but its column list names 2 columns.")]
    public async Task A_row_with_the_wrong_number_of_values_fails_naming_its_line(string statement, string message)
    {
        var error = await Should.ThrowAsync<ConversionException>(() => Convert($"CREATE TABLE t (a int, b text);\n{statement}\n"));

        error.Message.ShouldBe(message);
    }

    [TestCase("INSERT INTO t VALUES (1, 'true', 'soon');", "value \"soon\" in column 'c' of table 't' does not fit its type date.")]
    [TestCase("INSERT INTO t VALUES (1.5, 'x', NULL);",
        "value \"1.5\" in column 'a' of table 't' does not fit its type integer.")]
    [TestCase("INSERT INTO t VALUES (1, 'maybe', NULL);",
        "value \"maybe\" in column 'b' of table 't' does not fit its type boolean.")]
    public async Task A_value_that_does_not_fit_its_column_type_fails_naming_table_column_and_value(string insert,
        string message)
    {
        var error = await Should.ThrowAsync<ConversionException>(() =>
            Convert($"CREATE TABLE t (a integer, b boolean, c date);\n{insert}\n"));

        error.LineNumber.ShouldBe(2);
        error.Message.ShouldBe($"Line 2: row 1 of the INSERT into 't': {message}");
    }

    [Test]
    public async Task A_number_too_precise_for_its_decimal_column_fails()
    {
        var error = await Should.ThrowAsync<ConversionException>(() =>
            Convert("CREATE TABLE t (price numeric(6,2));\nCOPY t FROM stdin;\n1.25\n1.255\n\\.\n"));

        error.Message.ShouldBe(
            "Line 4: the COPY row for table 't': value \"1.255\" in column 'price' of table 't' does not fit its type numeric(6,2).");
    }

    [Test]
    public async Task A_double_written_with_more_digits_than_a_double_keeps_fails()
    {
        var error = await Should.ThrowAsync<ConversionException>(() =>
            Convert("CREATE TABLE t (x float8);\nINSERT INTO t VALUES (0.30000000000000004), (0.12345678901234567);\n"));

        error.Message.ShouldBe("Line 2: row 2 of the INSERT into 't': value \"0.12345678901234567\" in column 'x' of table 't' " +
                               "does not fit its type float8.");
    }

    [Test]
    public async Task An_unterminated_string_fails_naming_the_line_it_opens_on()
    {
        var error = await Should.ThrowAsync<ConversionException>(() =>
            Convert("CREATE TABLE t (a text);\nINSERT INTO t VALUES ('open\n);\n"));

        error.LineNumber.ShouldBe(2);
        error.Message.ShouldContain("a string that opens with ' here is never closed");
    }

    [Test]
    public async Task An_unterminated_statement_fails_naming_the_line_it_starts_on()
    {
        var error = await Should.ThrowAsync<ConversionException>(() =>
            Convert("CREATE TABLE t (a int);\nINSERT INTO t VALUES (1),\n(2)\n"));

        error.LineNumber.ShouldBe(2);
        error.Message.ShouldBe("Line 2: the statement that starts here does not end with ';' before the end of the input.");
    }

    [Test]
    public async Task Copy_data_without_its_end_marker_fails()
    {
        var error = await Should.ThrowAsync<ConversionException>(() =>
            Convert("CREATE TABLE t (a int);\nCOPY t (a) FROM stdin;\n1\n2\n"));

        error.LineNumber.ShouldBe(2);
        error.Message.ShouldContain("the COPY data for table 't' has no end marker");
    }

    [Test]
    public async Task A_column_list_naming_a_column_the_table_lacks_fails()
    {
        var error = await Should.ThrowAsync<ConversionException>(() =>
            Convert("CREATE TABLE t (a int);\nINSERT INTO t (a, b) VALUES (1, 2);\n"));

        error.Message.ShouldBe("Line 2: table 't' has no column 'b'.");
    }

    [Test]
    public async Task An_unqualified_name_that_several_schemas_define_fails()
    {
        var error = await Should.ThrowAsync<ConversionException>(() =>
            Convert("CREATE TABLE a.t (n int);\nCREATE TABLE b.t (n int);\nINSERT INTO t VALUES (1);\n"));

        error.Message.ShouldBe("Line 3: INSERT into table 't', which several schemas define: qualify it with its schema.");
    }

    [Test]
    public async Task A_string_longer_than_allowed_fails_instead_of_filling_memory()
    {
        var dump = $"CREATE TABLE t (a text);\nINSERT INTO t VALUES ('{new string('x', 5000)}');\n";

        var error = await Should.ThrowAsync<ConversionException>(() => Convert(dump, new SqlConversionOptions { MaxValueLength = 4096 }));

        error.Message.ShouldBe("Line 2: a value or line longer than the 4,096 characters allowed (is a quote left open?).");
    }

    [Test]
    public async Task A_file_without_create_table_fails()
    {
        var error = await Should.ThrowAsync<ConversionException>(() => Convert("SET NAMES utf8mb4;\nSELECT 1;\n"));

        error.LineNumber.ShouldBeNull();
        error.Message.ShouldContain("no CREATE TABLE statement");
    }

    [Test]
    public async Task A_value_that_is_an_expression_fails_saying_only_literals_convert()
    {
        var error = await Should.ThrowAsync<ConversionException>(() =>
            Convert("CREATE TABLE t (a int, at timestamp);\nINSERT INTO t VALUES (1, now());\n"));

        error.Message.ShouldBe("Line 2: 'now' in row 1 of the INSERT into 't' is not a literal value; only strings, numbers, " +
                               "NULL, TRUE and FALSE can be converted.");
    }

    [Test]
    public async Task Copy_in_csv_format_fails_saying_only_the_text_format_converts()
    {
        var error = await Should.ThrowAsync<ConversionException>(() =>
            Convert("CREATE TABLE t (a int);\nCOPY t (a) FROM stdin WITH (FORMAT csv);\n1\n\\.\n"));

        error.Message.ShouldContain("sets CSV: only COPY's default text format");
    }

    [Test]
    public async Task Invalid_utf8_fails_naming_the_line()
    {
        await using var input = new MemoryStream([.. "CREATE TABLE t (a text);\nINSERT INTO t VALUES ('"u8, 0xC3, 0x28, .. "');\n"u8]);

        var error = await Should.ThrowAsync<ConversionException>(() =>
            _converter.ConvertAsync(input, _ => new MemoryStream(), SqlConversionOptions.Default));

        error.Message.ShouldContain("not valid UTF-8");
    }

    [Test]
    public async Task Bracketed_names_as_sqlite3_and_sql_server_write_them_convert_while_array_brackets_stay_types()
    {
        // sqlite3's .dump keeps CREATE TABLE as written and quotes the INSERT's name its own way.
        const string dump = """
                            CREATE TABLE [order items] ([item id] INTEGER, "it""s" TEXT, [a]]b] REAL);
                            INSERT INTO "order items" VALUES(1,'x',1.5);
                            INSERT INTO [order items] ([a]]b], [item id]) VALUES(2.5,2);
                            CREATE TABLE public.arrays (a integer[], b character varying(10)[], c int [3]);
                            COPY public.arrays (a, b, c) FROM stdin;
                            {1,2}	{"x y"}	{3}
                            \.
                            """;

        var dumpResult = await Convert(dump);

        using (var items = dumpResult.File("order items"))
        {
            items.Values<long?>("item id").ShouldBe([1L, 2L]);
            items.Values<string?>("it\"s").ShouldBe(["x", null]);
            items.Values<double?>("a]b").ShouldBe([1.5, 2.5]);
        }

        using var arrays = dumpResult.File("arrays");
        arrays.Values<string?>("a").ShouldBe(["{1,2}"]);
        arrays.Values<string?>("b").ShouldBe(["{\"x y\"}"]);
        arrays.Values<string?>("c").ShouldBe(["{3}"]);
    }

    [Test]
    public async Task A_sqlite3_dump_restoring_sqlite_sequence_and_sqlite_stat1_converts_its_own_tables_only()
    {
        // As sqlite3's .dump writes a database with an AUTOINCREMENT key that was analyzed.
        const string dump = """
                            PRAGMA foreign_keys=OFF;
                            BEGIN TRANSACTION;
                            CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
                            INSERT INTO t VALUES(1,'a');
                            INSERT INTO t VALUES(2,'b');
                            ANALYZE sqlite_schema;
                            INSERT INTO sqlite_stat1 VALUES('t',NULL,'2');
                            DELETE FROM sqlite_sequence;
                            INSERT INTO sqlite_sequence VALUES('t',2);
                            COMMIT;
                            """;

        var dumpResult = await Convert(dump);

        dumpResult.Result.Tables.Select(t => t.Table).ShouldBe(["t"]);
        using var file = dumpResult.File("t");
        file.Values<long?>("id").ShouldBe([1L, 2L]);
    }

    [Test]
    public async Task Databases_of_a_pg_dumpall_or_a_mysqldump_with_tables_of_the_same_name_each_convert()
    {
        const string pgDumpAll = """
                                 \connect shop
                                 CREATE TABLE public.orders (id integer, what text);
                                 COPY public.orders (id, what) FROM stdin;
                                 1	shop order
                                 \.
                                 \connect -reuse-previous=on "dbname='archive db'"
                                 CREATE TABLE public.orders (id integer, year integer);
                                 COPY public.orders (id, year) FROM stdin;
                                 7	2019
                                 8	2020
                                 \.
                                 """;
        const string mysqldump = """
                                 USE `shop`;
                                 CREATE TABLE `orders` (`id` int, `what` text);
                                 INSERT INTO `orders` VALUES (1,'shop order');
                                 USE `archive`;
                                 CREATE TABLE `orders` (`id` int, `year` int);
                                 INSERT INTO `orders` VALUES (7,2019),(8,2020);
                                 """;

        foreach (var dump in new[] { pgDumpAll, mysqldump })
        {
            var dumpResult = await Convert(dump);

            dumpResult.Result.Tables.Select(t => t.Table).ShouldBe(["orders", "orders_2"]);
            using (var shop = dumpResult.File("orders"))
                shop.Values<string?>("what").ShouldBe(["shop order"]);
            using var archive = dumpResult.File("orders_2");
            archive.Values<long?>("year").ShouldBe([2019L, 2020L]);
        }
    }

    [Test]
    public async Task A_pg_dump_with_inserts_of_a_table_with_a_generated_column_converts_as_its_copy_does()
    {
        // pg_dump 15 --inserts; its COPY of the same table lists every column but "total".
        const string dump = """
                            CREATE TABLE sales.orders (
                                id bigint NOT NULL,
                                qty integer,
                                unit numeric(12,3),
                                total numeric(14,3) GENERATED ALWAYS AS (((qty)::numeric * unit)) STORED,
                                note text
                            );
                            ALTER TABLE sales.orders ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
                                SEQUENCE NAME sales.orders_id_seq
                            );
                            INSERT INTO sales.orders OVERRIDING SYSTEM VALUE VALUES (1, 2, 1.500, DEFAULT, 'x');
                            INSERT INTO sales.orders OVERRIDING SYSTEM VALUE VALUES (2, NULL, NULL, DEFAULT, NULL), (3, 1, 0.250, DEFAULT, 'y');
                            """;

        var dumpResult = await Convert(dump);

        using var file = dumpResult.File("orders");
        file.Values<long?>("id").ShouldBe([1L, 2L, 3L]);
        file.Values<decimal?>("total").ShouldBe([null, null, null]);
        file.Values<string?>("note").ShouldBe(["x", null, "y"]);
    }

    [Test]
    public async Task Default_for_a_column_that_is_not_generated_fails_as_an_expression_does()
    {
        var error = await Should.ThrowAsync<ConversionException>(() =>
            Convert("CREATE TABLE t (id serial, a int GENERATED ALWAYS AS (id * 2) STORED);\nINSERT INTO t VALUES (DEFAULT, DEFAULT);\n"));

        error.Message.ShouldStartWith("Line 2: 'DEFAULT' in row 1 of the INSERT into 't' is not a literal value");
    }

    [Test]
    public async Task A_schema_script_and_a_data_script_that_both_use_the_database_convert_together()
    {
        // sakila-schema.sql followed by sakila-data.sql: each says USE sakila.
        const string dump = """
                            CREATE SCHEMA sakila;
                            USE sakila;
                            CREATE TABLE language (language_id TINYINT UNSIGNED NOT NULL, name CHAR(20) NOT NULL);
                            USE sakila;
                            INSERT INTO language VALUES (1,'English'),(2,'Italian');
                            """;

        var dumpResult = await Convert(dump);

        using var file = dumpResult.File("language");
        file.Values<long?>("language_id").ShouldBe([1L, 2L]);
    }

    [Test]
    public async Task Sql_in_mysql_versioned_comments_is_read_as_mysql_runs_it()
    {
        // As sakila's schema and data scripts and mysqldump write them.
        const string dump = """
                            CREATE TABLE `address` (
                              `address_id` smallint unsigned NOT NULL AUTO_INCREMENT,
                              `phone` varchar(20) NOT NULL,
                              /*!50705 `location` GEOMETRY */ /*!80003 SRID 0 */ /*!50705 NOT NULL,*/
                              `last_update` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
                              PRIMARY KEY (`address_id`)
                              /*!50705 , SPATIAL KEY `idx_location` (`location`)*/
                            ) ENGINE=InnoDB /*!50100 PARTITION BY HASH (`address_id`) PARTITIONS 2 */;
                            INSERT INTO `address` VALUES (1,'555',/*!50705 0x000000000101000000,*/'2014-09-25 22:30:27'),
                            (2,'',/*!50705 0x0000000001010000008E,*/'2014-09-25 22:30:09');
                            DELIMITER ;;
                            /*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `ins_address` AFTER INSERT ON `address` FOR EACH ROW BEGIN
                                INSERT INTO address_log (address_id) VALUES (new.address_id);
                              END */;;
                            DELIMITER ;
                            /*!40000 ALTER TABLE `address` ENABLE KEYS */;
                            /*M!100616 SET NOTE_VERBOSITY=@OLD_NOTE_VERBOSITY */;
                            """;

        var dumpResult = await Convert(dump);

        using var file = dumpResult.File("address");
        file.Values<string?>("location").ShouldBe(["0x000000000101000000", "0x0000000001010000008E"]);
        file.Values<string?>("phone").ShouldBe(["555", ""]);
    }

    [Test]
    public async Task A_mysql_script_opening_with_session_variables_reads_key_clauses_as_indexes()
    {
        // sakila-schema.sql: no backtick before its first table.
        const string dump = """
                            SET NAMES utf8mb4;
                            SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0;
                            CREATE TABLE actor (
                              actor_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT,
                              last_name VARCHAR(45) NOT NULL,
                              PRIMARY KEY  (actor_id),
                              KEY idx_actor_last_name (last_name)
                            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
                            INSERT INTO actor VALUES (1,'O\'GUINESS');
                            """;

        var dumpResult = await Convert(dump);

        dumpResult.Table("actor").Columns.Select(c => c.Name).ShouldBe(["actor_id", "last_name"]);
        using var file = dumpResult.File("actor");
        file.Values<string?>("last_name").ShouldBe(["O'GUINESS"]);
    }

    [Test]
    public async Task A_sql_server_script_with_go_batches_and_statements_without_semicolons_converts_every_row()
    {
        // As SSMS's Generate Scripts (schema and data) writes it.
        const string dump = """
                            USE [Shop]
                            GO
                            /****** Object:  Table [dbo].[Customers]    Script Date: 12/4/2026 10:00:00 AM ******/
                            SET ANSI_NULLS ON
                            GO
                            CREATE TABLE [dbo].[Customers](
                            	[Id] [int] IDENTITY(1,1) NOT NULL,
                            	[Name] [nvarchar](50) NULL,
                            	[Created] [datetime] NULL,
                            	[Price] [decimal](10, 2) NULL,
                            	[Data] [varbinary](max) NULL,
                             CONSTRAINT [PK_Customers] PRIMARY KEY CLUSTERED 
                            (
                            	[Id] ASC
                            )WITH (PAD_INDEX = OFF, ALLOW_PAGE_LOCKS = ON) ON [PRIMARY]
                            ) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]
                            GO
                            SET IDENTITY_INSERT [dbo].[Customers] ON 

                            INSERT [dbo].[Customers] ([Id], [Name], [Created], [Price], [Data]) VALUES (1, N'Ann', CAST(N'2020-01-01T00:00:00.000' AS DateTime), CAST(1.50 AS Decimal(10, 2)), 0x00FF)
                            INSERT [dbo].[Customers] ([Id], [Name], [Created], [Price], [Data]) VALUES (2, N'O''Neil', NULL, CAST(-2.00 AS Decimal(10, 2)), NULL)
                            SET IDENTITY_INSERT [dbo].[Customers] OFF
                            GO
                            CREATE PROCEDURE [dbo].[AddCustomer] @name nvarchar(50)
                            AS
                            BEGIN
                            	INSERT [dbo].[Customers] ([Name]) VALUES (@name)
                            END
                            GO
                            INSERT INTO [dbo].[Customers] ([Id], [Name]) VALUES
                                (3, N'Bob');
                            go
                            """;

        var dumpResult = await Convert(dump);

        using var file = dumpResult.File("Customers");
        file.Values<long?>("Id").ShouldBe([1L, 2L, 3L]);
        file.Values<string?>("Name").ShouldBe(["Ann", "O'Neil", "Bob"]);
        file.Values<DateTime?>("Created").ShouldBe([new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), null, null]);
        file.Values<decimal?>("Price").ShouldBe([1.50m, -2.00m, null]);
        file.Values<string?>("Data").ShouldBe(["0x00FF", null, null]);
    }

    [Test]
    public async Task Rows_of_a_table_without_columns_are_skipped_and_the_other_tables_convert()
    {
        // pg_dump of a table created with no columns that holds two rows: its COPY has two empty lines, --inserts
        // writes DEFAULT VALUES. A Parquet file needs a column, so the table has none.
        const string dump = """
                            CREATE TABLE public.zero (
                            );
                            CREATE TABLE public.t (id integer);
                            COPY public.zero  FROM stdin;


                            \.
                            INSERT INTO public.zero DEFAULT VALUES;
                            COPY public.t (id) FROM stdin;
                            7
                            \.
                            """;

        var dumpResult = await Convert(dump);

        dumpResult.Result.Tables.Select(t => t.Table).ShouldBe(["t"]);
        using var file = dumpResult.File("t");
        file.Values<long?>("id").ShouldBe([7L]);
    }

    [Test]
    public async Task Rows_of_partitions_are_also_their_partitioned_tables_rows_as_the_database_counts_them()
    {
        // pg_dump 15 of a table partitioned by range (as pagila's payment), one partition itself partitioned and one
        // attached with its columns in another order.
        const string dump = """
                            CREATE TABLE public.payment (id integer NOT NULL, paid date NOT NULL, amount numeric(5,2))
                            PARTITION BY RANGE (paid);
                            CREATE TABLE public.payment_2020 (id integer NOT NULL, paid date NOT NULL, amount numeric(5,2))
                            PARTITION BY RANGE (paid);
                            CREATE TABLE public.payment_2020_h1 (id integer NOT NULL, paid date NOT NULL, amount numeric(5,2));
                            CREATE TABLE public.payment_2021 (amount numeric(5,2), id integer NOT NULL, paid date NOT NULL);
                            ALTER TABLE ONLY public.payment ATTACH PARTITION public.payment_2020 FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
                            ALTER TABLE ONLY public.payment_2020 ATTACH PARTITION public.payment_2020_h1 FOR VALUES FROM ('2020-01-01') TO ('2020-07-01');
                            ALTER TABLE ONLY public.payment ATTACH PARTITION public.payment_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
                            COPY public.payment_2020_h1 (id, paid, amount) FROM stdin;
                            1	2020-02-01	1.50
                            \.
                            COPY public.payment_2021 (amount, id, paid) FROM stdin;
                            2.25	2	2021-03-01
                            \N	3	2021-04-01
                            \.
                            ALTER TABLE ONLY public.payment ADD CONSTRAINT payment_pkey PRIMARY KEY (id, paid);
                            """;

        var dumpResult = await Convert(dump);

        dumpResult.Result.Tables.Select(t => (t.Table, t.Result.RowCount)).ShouldBe([
            ("payment", 3L), ("payment_2020", 1L), ("payment_2020_h1", 1L), ("payment_2021", 2L)
        ]);
        using var payment = dumpResult.File("payment");
        payment.Values<long?>("id").ShouldBe([1L, 2L, 3L]);
        payment.Values<decimal?>("amount").ShouldBe([1.50m, 2.25m, null]);
        payment.Values<DateOnly?>("paid").ShouldBe([new DateOnly(2020, 2, 1), new DateOnly(2021, 3, 1), new DateOnly(2021, 4, 1)]);
    }

    [Test]
    public async Task National_strings_lose_their_trailing_spaces_in_postgresql_as_its_character_type_does()
    {
        // Chinook_PostgreSql.sql writes N'Edinburgh ', which PostgreSQL stores as 'Edinburgh'; MySQL keeps the space.
        const string postgres = "CREATE TABLE customer (city VARCHAR(40));\nINSERT INTO customer VALUES (N'Edinburgh '), ('Oslo ');\n";
        const string mysql = "CREATE TABLE `customer` (`city` VARCHAR(40));\nINSERT INTO `customer` VALUES (N'Edinburgh '), ('Oslo ');\n";

        using (var file = (await Convert(postgres)).File("customer"))
            file.Values<string?>("city").ShouldBe(["Edinburgh", "Oslo "]);
        using (var file = (await Convert(mysql)).File("customer"))
            file.Values<string?>("city").ShouldBe(["Edinburgh ", "Oslo "]);
    }

    [Test]
    public async Task Inserts_in_the_body_of_a_trigger_or_an_atomic_function_are_not_rows_of_the_dump()
    {
        // sqlite3's .dump of a trigger, and pg_dump 15 of a SQL-standard function body (PostgreSQL 14 and later).
        const string dump = """
                            CREATE TABLE log(id int, what text);
                            INSERT INTO log VALUES(1,'ins');
                            CREATE TRIGGER tr after insert on t begin update log set what = case when id > 0 then 'x;' else 'y' end; insert into log values (9, 'trigger'); end;
                            CREATE FUNCTION public.fa(x integer) RETURNS integer
                                LANGUAGE sql
                                BEGIN ATOMIC
                             INSERT INTO log (id, what)
                               VALUES (8, 'function');
                             SELECT CASE WHEN (x > 0) THEN x ELSE 0 END AS "case";
                            END;
                            INSERT INTO log VALUES(2,'ins');
                            """;

        var dumpResult = await Convert(dump);

        using var file = dumpResult.File("log");
        file.Values<long?>("id").ShouldBe([1L, 2L]);
    }

    [Test]
    public async Task Inserts_in_a_rule_with_several_actions_are_not_rows_of_the_dump()
    {
        // pg_dump 15 of CREATE RULE ... DO INSTEAD (INSERT ...; INSERT ...).
        const string dump = """
                            CREATE TABLE public.rb (y integer);
                            CREATE RULE r1 AS
                                ON INSERT TO public.rv DO INSTEAD ( INSERT INTO public.rb (y)
                              VALUES (new.x);
                             INSERT INTO public.rb (y)
                              VALUES (7);
                            );
                            COPY public.rb (y) FROM stdin;
                            1
                            \.
                            """;

        var dumpResult = await Convert(dump);

        using var file = dumpResult.File("rb");
        file.Values<long?>("y").ShouldBe([1L]);
    }

    [Test]
    public async Task A_sqlite3_dump_of_a_database_with_a_full_text_index_converts_its_tables()
    {
        // sqlite3 3.40's .dump of an fts5 table: the index's own tables are created with 'quoted' names.
        const string dump = """
                            PRAGMA foreign_keys=OFF;
                            BEGIN TRANSACTION;
                            PRAGMA writable_schema=ON;
                            INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)VALUES('table','ft','ft',0,'CREATE VIRTUAL TABLE ft using fts5(a, b)');
                            CREATE TABLE IF NOT EXISTS 'ft_content'(id INTEGER PRIMARY KEY, c0, c1);
                            INSERT INTO ft_content VALUES(1,'hello world','x');
                            CREATE TABLE plain(id int);
                            INSERT INTO plain VALUES(1);
                            PRAGMA writable_schema=OFF;
                            COMMIT;
                            """;

        var dumpResult = await Convert(dump);

        dumpResult.Result.Tables.Select(t => t.Table).ShouldBe(["ft_content", "plain"]);
        using var file = dumpResult.File("ft_content");
        file.Values<string?>("c0").ShouldBe(["hello world"]);
    }

    [Test]
    public async Task A_sqlite3_dump_of_a_table_with_generated_columns_gives_each_value_its_column()
    {
        // sqlite3 3.40's .dump: the rows leave the generated columns out and name no columns.
        const string dump = """
                            CREATE TABLE g(a int, b int, c int generated always as (a+b) virtual, d text as (upper(e)) stored, e text) strict;
                            INSERT INTO g VALUES(1,2,'x');
                            INSERT INTO g VALUES(3,4,NULL);
                            """;

        var dumpResult = await Convert(dump);

        using var file = dumpResult.File("g");
        file.Values<long?>("b").ShouldBe([2L, 4L]);
        file.Values<long?>("c").ShouldBe([null, null]);
        file.Values<string?>("e").ShouldBe(["x", null]);
    }

    async Task<DumpConversion> Convert(string dump, SqlConversionOptions? options = null)
    {
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(dump));
        var outputs = new Dictionary<string, MemoryStream>();
        var result = await _converter.ConvertAsync(input, table => outputs[table] = new MemoryStream(),
            options ?? SqlConversionOptions.Default);
        return new DumpConversion(result, outputs);
    }

    sealed record DumpConversion(SqlDumpConversionResult Result, Dictionary<string, MemoryStream> Outputs)
    {
        public ConversionResult Table(string name) => Result.Tables.Single(t => t.Table == name).Result;

        public ParquetFile File(string name) => new(Outputs[name].ToArray());
    }
}
