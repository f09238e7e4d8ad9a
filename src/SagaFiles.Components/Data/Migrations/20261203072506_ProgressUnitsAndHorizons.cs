using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SagaFiles.Components.Data.Migrations
{
    /// <summary>
    /// A progress report's rows and entries reach <c>file_events</c> beside its bytes (the trigger's function, replaced,
    /// copies them from the running step and records a report when any of them changed), and
    /// <c>file_event_horizons</c> keeps, per tenant, the newest position the clean-up deleted, so a stream resumed from
    /// before it says so (<c>event: reset</c>).
    /// </summary>
    public partial class ProgressUnitsAndHorizons : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "entries_done",
                table: "file_events",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "entries_total",
                table: "file_events",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "rows_done",
                table: "file_events",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "file_event_horizons",
                columns: table => new
                {
                    tenant = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    deleted_through = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_file_event_horizons", x => x.tenant);
                });

            migrationBuilder.Sql(RecordEventsFunction);
        }

        /// <summary>As ProgressEvents made it, with the rows and entries of a report (SequencedEvents replaces it, and puts it back on Down).</summary>
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
                       AND (running ->> 'bytesDone', running ->> 'bytesTotal', running ->> 'rowsDone', running ->> 'entriesDone', running ->> 'entriesTotal')
                           IS DISTINCT FROM (before ->> 'bytesDone', before ->> 'bytesTotal', before ->> 'rowsDone', before ->> 'entriesDone', before ->> 'entriesTotal') THEN
                        INSERT INTO file_events (tenant, file_id, kind, step, attempt, bytes_done, bytes_total, rows_done, entries_done, entries_total)
                        VALUES (NEW.tenant, NEW.correlation_id, 'progress', NEW.current_step, NEW.attempt,
                                (running ->> 'bytesDone')::bigint, (running ->> 'bytesTotal')::bigint, (running ->> 'rowsDone')::bigint,
                                (running ->> 'entriesDone')::bigint, (running ->> 'entriesTotal')::bigint);
                    END IF;
                END IF;
                PERFORM pg_notify('file_changes', NEW.tenant || ':' || NEW.correlation_id::text);
                RETURN NULL;
            END $$;
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ProgressEvents.RecordEventsFunction);

            migrationBuilder.DropTable(
                name: "file_event_horizons");

            migrationBuilder.DropColumn(
                name: "entries_done",
                table: "file_events");

            migrationBuilder.DropColumn(
                name: "entries_total",
                table: "file_events");

            migrationBuilder.DropColumn(
                name: "rows_done",
                table: "file_events");
        }
    }
}
