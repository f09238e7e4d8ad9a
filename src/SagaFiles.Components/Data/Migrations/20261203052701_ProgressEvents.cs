using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SagaFiles.Components.Data.Migrations
{
    /// <summary>
    /// The files' events in commit order (<see cref="FileEvent" />): each new history entry, an outcome, and a running step's
    /// progress report become rows of <c>file_events</c>, written by a trigger deferred to commit that takes one advisory
    /// lock first, so positions are handed out in the order the changes commit (a reader that saw position n can never see
    /// a smaller one appear later) and the tenant-wide stream can resume from one. It announces the change on
    /// <c>file_changes</c> as the trigger of FileChangeNotifications did (which it replaces), now for progress too.
    /// </summary>
    public partial class ProgressEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "file_events",
                columns: table => new
                {
                    position = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    tenant = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    file_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    history_index = table.Column<int>(type: "integer", nullable: true),
                    step = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    attempt = table.Column<int>(type: "integer", nullable: true),
                    bytes_done = table.Column<long>(type: "bigint", nullable: true),
                    bytes_total = table.Column<long>(type: "bigint", nullable: true),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_file_events", x => x.position);
                });

            migrationBuilder.CreateIndex(
                name: "ix_file_events_at",
                table: "file_events",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_file_events_tenant_position",
                table: "file_events",
                columns: new[] { "tenant", "position" });

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS files_notify_change ON files;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS files_notify_change();");
            migrationBuilder.Sql(RecordEventsFunction);
            // Deferred to commit: the lock is held only while the transaction commits, when it takes no more row locks.
            migrationBuilder.Sql("""
                CREATE CONSTRAINT TRIGGER files_record_events_on_insert AFTER INSERT ON files
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                WHEN (NEW.history IS NOT NULL AND NEW.history <> '[]'::jsonb)
                EXECUTE FUNCTION files_record_events();
                """);
            migrationBuilder.Sql("""
                CREATE CONSTRAINT TRIGGER files_record_events_on_update AFTER UPDATE ON files
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                WHEN (OLD.current_state IS DISTINCT FROM NEW.current_state OR OLD.history IS DISTINCT FROM NEW.history
                      OR OLD.steps IS DISTINCT FROM NEW.steps)
                EXECUTE FUNCTION files_record_events();
                """);
        }

        /// <summary>The trigger's function as this migration made it (ProgressUnitsAndHorizons replaces it, and puts it back on Down).</summary>
        internal const string RecordEventsFunction = """
                CREATE OR REPLACE FUNCTION files_record_events() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    seen int := 0;
                    total int := CASE jsonb_typeof(NEW.history) WHEN 'array' THEN jsonb_array_length(NEW.history) ELSE 0 END;
                    running jsonb;
                    before jsonb;
                BEGIN
                    IF TG_OP = 'UPDATE' AND jsonb_typeof(OLD.history) = 'array' THEN
                        seen := jsonb_array_length(OLD.history);
                    END IF;
                    -- Held to the end of the commit: one writer at a time takes positions, so they follow commit order.
                    PERFORM pg_advisory_xact_lock(hashtextextended('sagafiles.file_events', 0));
                    IF total > seen THEN
                        INSERT INTO file_events (tenant, file_id, kind, history_index)
                        SELECT NEW.tenant, NEW.correlation_id, 'transition', i FROM generate_series(seen, total - 1) AS i ORDER BY i;
                        IF NEW.current_state IN ('Completed', 'Failed') THEN
                            INSERT INTO file_events (tenant, file_id, kind) VALUES (NEW.tenant, NEW.correlation_id, 'outcome');
                        END IF;
                    ELSIF NEW.current_step IS NOT NULL AND jsonb_typeof(NEW.steps) = 'array' THEN
                        SELECT s INTO running FROM jsonb_array_elements(NEW.steps) AS s WHERE s ->> 'step' = NEW.current_step;
                        IF TG_OP = 'UPDATE' AND jsonb_typeof(OLD.steps) = 'array' THEN
                            SELECT s INTO before FROM jsonb_array_elements(OLD.steps) AS s WHERE s ->> 'step' = NEW.current_step;
                        END IF;
                        IF running ->> 'bytesDone' IS NOT NULL
                           AND (running ->> 'bytesDone', running ->> 'bytesTotal') IS DISTINCT FROM (before ->> 'bytesDone', before ->> 'bytesTotal') THEN
                            INSERT INTO file_events (tenant, file_id, kind, step, attempt, bytes_done, bytes_total)
                            VALUES (NEW.tenant, NEW.correlation_id, 'progress', NEW.current_step, NEW.attempt,
                                    (running ->> 'bytesDone')::bigint, (running ->> 'bytesTotal')::bigint);
                        END IF;
                    END IF;
                    PERFORM pg_notify('file_changes', NEW.tenant || ':' || NEW.correlation_id::text);
                    RETURN NULL;
                END $$;
                """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS files_record_events_on_insert ON files;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS files_record_events_on_update ON files;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS files_record_events();");
            new FileChangeNotifications().UpAgain(migrationBuilder);
            migrationBuilder.DropTable(
                name: "file_events");
        }
    }
}
