using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SagaFiles.Components.Data.Migrations
{
    /// <summary>
    /// Results become a list (a SQL dump gives one Parquet file per table) with each table's shape; archives get child
    /// files. Existing rows keep their result: the single result and output columns move into <c>outputs</c>.
    /// </summary>
    public partial class FileOutputsAndArchives : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(name: "outputs", table: "files", type: "jsonb", nullable: false, defaultValue: "[]");
            migrationBuilder.AddColumn<string>(name: "category", table: "files", type: "character varying(32)", maxLength: 32, nullable: true);
            migrationBuilder.AddColumn<string>(name: "processor", table: "files", type: "character varying(64)", maxLength: 64, nullable: true);
            migrationBuilder.AddColumn<Guid>(name: "parent_file_id", table: "files", type: "uuid", nullable: true);
            migrationBuilder.AddColumn<int>(name: "archive_depth", table: "files", type: "integer", nullable: false, defaultValue: 0);
            migrationBuilder.AddColumn<int>(name: "child_count", table: "files", type: "integer", nullable: true);
            migrationBuilder.AddColumn<int>(name: "children_completed", table: "files", type: "integer", nullable: false, defaultValue: 0);
            migrationBuilder.AddColumn<int>(name: "children_failed", table: "files", type: "integer", nullable: false, defaultValue: 0);
            migrationBuilder.AddColumn<bool>(name: "reported_success", table: "files", type: "boolean", nullable: true);

            // The published output when there is one, else the staged result; the column count has no schema to go with it.
            migrationBuilder.Sql("""
                UPDATE files SET outputs = jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
                    'bucket', coalesce(output_bucket, result_bucket),
                    'key', coalesce(output_key, result_key),
                    'name', result_name,
                    'format', coalesce(output_format, 'original'),
                    'size', coalesce(output_size, 0),
                    'table', CASE WHEN row_count IS NULL THEN NULL
                                  ELSE jsonb_build_object('rows', row_count, 'rowGroups', 0, 'columns', '[]'::jsonb) END)))
                WHERE coalesce(output_key, result_key) IS NOT NULL;
                UPDATE files SET processor = CASE WHEN output_format = 'parquet' THEN 'parquet' ELSE 'pass-through' END
                WHERE output_format IS NOT NULL;
                UPDATE files SET detected_type = CASE detected_type WHEN 'jsonlines' THEN 'jsonl' WHEN 'sqldump' THEN 'sql' ELSE detected_type END;
                """);

            foreach (var column in new[] { "output_bucket", "output_format", "output_key", "output_size", "result_bucket", "result_key", "result_name", "row_count", "column_count" })
                migrationBuilder.DropColumn(name: column, table: "files");

            migrationBuilder.AlterColumn<string>(name: "detected_type", table: "files", type: "character varying(32)", maxLength: 32, nullable: true,
                oldClrType: typeof(string), oldType: "text", oldNullable: true);
            migrationBuilder.CreateIndex(name: "ix_files_parent_file_id", table: "files", column: "parent_file_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(name: "ix_files_parent_file_id", table: "files");
            migrationBuilder.AlterColumn<string>(name: "detected_type", table: "files", type: "text", nullable: true,
                oldClrType: typeof(string), oldType: "character varying(32)", oldMaxLength: 32, oldNullable: true);

            migrationBuilder.AddColumn<string>(name: "output_bucket", table: "files", type: "text", nullable: true);
            migrationBuilder.AddColumn<string>(name: "output_format", table: "files", type: "text", nullable: true);
            migrationBuilder.AddColumn<string>(name: "output_key", table: "files", type: "text", nullable: true);
            migrationBuilder.AddColumn<long>(name: "output_size", table: "files", type: "bigint", nullable: true);
            migrationBuilder.AddColumn<string>(name: "result_bucket", table: "files", type: "text", nullable: true);
            migrationBuilder.AddColumn<string>(name: "result_key", table: "files", type: "text", nullable: true);
            migrationBuilder.AddColumn<string>(name: "result_name", table: "files", type: "text", nullable: true);
            migrationBuilder.AddColumn<long>(name: "row_count", table: "files", type: "bigint", nullable: true);
            migrationBuilder.AddColumn<int>(name: "column_count", table: "files", type: "integer", nullable: true);

            // The first output goes back into the single-result columns (a SQL dump's other tables are not representable).
            migrationBuilder.Sql("""
                UPDATE files SET
                    result_bucket = outputs->0->>'bucket', result_key = outputs->0->>'key', result_name = outputs->0->>'name',
                    output_bucket = CASE WHEN current_state = 'Completed' THEN outputs->0->>'bucket' END,
                    output_key = CASE WHEN current_state = 'Completed' THEN outputs->0->>'key' END,
                    output_format = outputs->0->>'format', output_size = (outputs->0->>'size')::bigint,
                    row_count = (outputs->0->'table'->>'rows')::bigint,
                    column_count = jsonb_array_length(coalesce(outputs->0->'table'->'columns', '[]'::jsonb))
                WHERE jsonb_array_length(outputs) > 0;
                """);

            foreach (var column in new[] { "outputs", "category", "processor", "parent_file_id", "archive_depth", "child_count", "children_completed", "children_failed", "reported_success" })
                migrationBuilder.DropColumn(name: column, table: "files");
        }
    }
}
