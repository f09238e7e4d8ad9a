using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SagaFiles.Components.Data.Migrations
{
    /// <summary>
    /// File transactions commit side by side (docs/adr/0012): the trigger's function no longer takes the database-wide
    /// advisory lock nor sends a notification, both held through the commit's WAL flush. It writes each event with its
    /// transaction's id (<c>xid</c>) and no position; <see cref="FileEventSequencer" /> gives positions to the events of
    /// ended transactions (<c>file_event_counter</c> holds the last one given) and sends the notifications. Events written
    /// before keep their positions; <c>id</c> is the new key.
    /// </summary>
    public partial class SequencedEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE file_events DROP CONSTRAINT pk_file_events;
                ALTER TABLE file_events ALTER COLUMN position DROP IDENTITY, ALTER COLUMN position DROP NOT NULL;
                ALTER TABLE file_events ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
                ALTER TABLE file_events ADD CONSTRAINT pk_file_events PRIMARY KEY (id);
                CREATE UNIQUE INDEX ix_file_events_position ON file_events (position);
                ALTER TABLE file_events ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
                CREATE INDEX ix_file_events_unsequenced ON file_events (xid, id) WHERE position IS NULL;
                CREATE TABLE file_event_counter (last_position bigint NOT NULL);
                -- After every position ever given, deleted ones included: a client may still resume from one.
                INSERT INTO file_event_counter (last_position)
                SELECT GREATEST((SELECT max(position) FROM file_events), (SELECT max(deleted_through) FROM file_event_horizons), 0);
                """);
            migrationBuilder.Sql(RecordEventsFunction);
        }

        /// <summary>As ProgressUnitsAndHorizons made it, without the lock and the notification.</summary>
        const string RecordEventsFunction = """
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
                RETURN NULL;
            END $$;
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ProgressUnitsAndHorizons.RecordEventsFunction);
            migrationBuilder.Sql("""
                DROP TABLE file_event_counter;
                DROP INDEX ix_file_events_unsequenced;
                ALTER TABLE file_events DROP COLUMN xid;
                DELETE FROM file_events WHERE position IS NULL;
                DROP INDEX ix_file_events_position;
                ALTER TABLE file_events DROP CONSTRAINT pk_file_events;
                ALTER TABLE file_events DROP COLUMN id;
                ALTER TABLE file_events ALTER COLUMN position SET NOT NULL;
                ALTER TABLE file_events ALTER COLUMN position ADD GENERATED ALWAYS AS IDENTITY;
                SELECT setval(pg_get_serial_sequence('file_events', 'position'), GREATEST((SELECT max(position) FROM file_events), 1));
                ALTER TABLE file_events ADD CONSTRAINT pk_file_events PRIMARY KEY (position);
                """);
        }
    }
}
