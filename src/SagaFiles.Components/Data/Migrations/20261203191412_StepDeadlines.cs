using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SagaFiles.Components.Data.Migrations
{
    /// <summary>
    /// Step timeouts come from the workers' sweeper over <c>files.step_timeout_at</c>, not from a delayed message per file:
    /// the timer's token goes, and a partial index holds the files with an attempt running. A timer scheduled before the
    /// upgrade still arrives, and the saga takes it as the sweeper's report.
    /// </summary>
    public partial class StepDeadlines : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "step_timeout_token_id",
                table: "files");

            migrationBuilder.CreateIndex(
                name: "ix_files_step_timeout_at",
                table: "files",
                column: "step_timeout_at",
                filter: "step_timeout_at IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_files_step_timeout_at",
                table: "files");

            migrationBuilder.AddColumn<Guid>(
                name: "step_timeout_token_id",
                table: "files",
                type: "uuid",
                nullable: true);
        }
    }
}
