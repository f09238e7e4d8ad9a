using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SagaFiles.Components.Data.Migrations
{
    /// <inheritdoc />
    public partial class ArchiveBudgets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "archive_budget_bytes",
                table: "files",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "archive_budget_entries",
                table: "files",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "archive_budget_bytes",
                table: "files");

            migrationBuilder.DropColumn(
                name: "archive_budget_entries",
                table: "files");
        }
    }
}
