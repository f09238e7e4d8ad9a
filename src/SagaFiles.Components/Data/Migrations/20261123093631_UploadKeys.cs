using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SagaFiles.Components.Data.Migrations
{
    /// <inheritdoc />
    public partial class UploadKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "upload_keys",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    file_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_upload_keys", x => x.key);
                });

            migrationBuilder.CreateIndex(
                name: "ix_upload_keys_file_id",
                table: "upload_keys",
                column: "file_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "upload_keys");
        }
    }
}
