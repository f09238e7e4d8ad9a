using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SagaFiles.Components.Data.Migrations
{
    /// <inheritdoc />
    public partial class StepSchedules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "attempts_before_manual_retry",
                table: "files",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "step_retry_at",
                table: "files",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "step_retry_token_id",
                table: "files",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "step_timeout_at",
                table: "files",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "step_timeout_token_id",
                table: "files",
                type: "uuid",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "attempts_before_manual_retry",
                table: "files");

            migrationBuilder.DropColumn(
                name: "step_retry_at",
                table: "files");

            migrationBuilder.DropColumn(
                name: "step_retry_token_id",
                table: "files");

            migrationBuilder.DropColumn(
                name: "step_timeout_at",
                table: "files");

            migrationBuilder.DropColumn(
                name: "step_timeout_token_id",
                table: "files");
        }
    }
}
