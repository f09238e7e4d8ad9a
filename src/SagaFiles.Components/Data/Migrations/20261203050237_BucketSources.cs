using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SagaFiles.Components.Data.Migrations
{
    /// <inheritdoc />
    public partial class BucketSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "bucket_cursors",
                columns: table => new
                {
                    source = table.Column<string>(type: "character varying(1093)", maxLength: 1093, nullable: false),
                    after_key = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    pass_started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    pass_completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    error_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_bucket_cursors", x => x.source);
                });

            migrationBuilder.CreateTable(
                name: "bucket_objects",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    bucket = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    key = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    etag = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    version_id = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    tenant = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    seen_by = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    file_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    error = table.Column<string>(type: "text", nullable: true),
                    taken_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    held_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    settled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_bucket_objects", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_bucket_objects_bucket_key_etag",
                table: "bucket_objects",
                columns: new[] { "bucket", "key", "etag" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_bucket_objects_status",
                table: "bucket_objects",
                column: "status",
                filter: "status = 'Submitting'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "bucket_cursors");

            migrationBuilder.DropTable(
                name: "bucket_objects");
        }
    }
}
