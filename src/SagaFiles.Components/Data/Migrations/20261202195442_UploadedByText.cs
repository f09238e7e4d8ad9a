using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SagaFiles.Components.Data.Migrations
{
    /// <inheritdoc />
    public partial class UploadedByText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "uploaded_by",
                table: "files",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // A token's uploader is no key id: going back keeps the key ids and forgets the token subjects.
            migrationBuilder.Sql("""
                ALTER TABLE files ALTER COLUMN uploaded_by TYPE uuid
                USING CASE WHEN uploaded_by ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' THEN uploaded_by::uuid END
                """);
        }
    }
}
