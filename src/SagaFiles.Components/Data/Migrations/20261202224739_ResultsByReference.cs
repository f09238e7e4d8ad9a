using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SagaFiles.Components.Data.Migrations
{
    /// <summary>A file whose list of results is too long for its messages keeps a reference to the manifest that lists them.</summary>
    public partial class ResultsByReference : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "output_manifest",
                table: "files",
                type: "jsonb",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "output_manifest",
                table: "files");
        }
    }
}
