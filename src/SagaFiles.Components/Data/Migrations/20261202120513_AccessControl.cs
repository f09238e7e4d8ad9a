using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SagaFiles.Components.Data.Migrations
{
    /// <inheritdoc />
    public partial class AccessControl : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Files and idempotency keys recorded before tenants existed belong to the tenant "default" (Tenants.Default).
            migrationBuilder.DropPrimaryKey(
                name: "pk_upload_keys",
                table: "upload_keys");

            migrationBuilder.DropIndex(
                name: "ix_files_created_at",
                table: "files");

            migrationBuilder.DropIndex(
                name: "ix_files_current_state_created_at",
                table: "files");

            migrationBuilder.AddColumn<string>(
                name: "tenant",
                table: "upload_keys",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "default");

            migrationBuilder.AddColumn<string>(
                name: "tenant",
                table: "files",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "default");

            migrationBuilder.AddColumn<Guid>(
                name: "uploaded_by",
                table: "files",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddPrimaryKey(
                name: "pk_upload_keys",
                table: "upload_keys",
                columns: new[] { "tenant", "key" });

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    tenant = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    prefix = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    secret_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    scopes = table.Column<List<string>>(type: "text[]", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_files_tenant_created_at",
                table: "files",
                columns: new[] { "tenant", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_files_tenant_current_state_created_at",
                table: "files",
                columns: new[] { "tenant", "current_state", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_secret_hash",
                table: "api_keys",
                column: "secret_hash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropPrimaryKey(
                name: "pk_upload_keys",
                table: "upload_keys");

            migrationBuilder.DropIndex(
                name: "ix_files_tenant_created_at",
                table: "files");

            migrationBuilder.DropIndex(
                name: "ix_files_tenant_current_state_created_at",
                table: "files");

            migrationBuilder.DropColumn(
                name: "tenant",
                table: "upload_keys");

            migrationBuilder.DropColumn(
                name: "tenant",
                table: "files");

            migrationBuilder.DropColumn(
                name: "uploaded_by",
                table: "files");

            migrationBuilder.AddPrimaryKey(
                name: "pk_upload_keys",
                table: "upload_keys",
                column: "key");

            migrationBuilder.CreateIndex(
                name: "ix_files_created_at",
                table: "files",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_files_current_state_created_at",
                table: "files",
                columns: new[] { "current_state", "created_at" });
        }
    }
}
