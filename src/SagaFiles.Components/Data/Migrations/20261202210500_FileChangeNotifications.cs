using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SagaFiles.Components.Data.Migrations
{
    /// <summary>
    /// Every change of a file's state or history is announced on the <c>file_changes</c> channel (payload
    /// <c>tenant:file-id</c>), committed with the change: an API instance listening there tells its progress streams to
    /// re-read the file, whichever worker or instance made the change.
    /// </summary>
    public partial class FileChangeNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => UpAgain(migrationBuilder);

        /// <summary>Also how ProgressEvents, which replaces this trigger, puts it back when it is rolled back.</summary>
        internal void UpAgain(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION files_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('file_changes', NEW.tenant || ':' || NEW.correlation_id::text);
                    RETURN NULL;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER files_notify_change AFTER UPDATE OF current_state, history ON files FOR EACH ROW
                WHEN (OLD.current_state IS DISTINCT FROM NEW.current_state OR OLD.history IS DISTINCT FROM NEW.history)
                EXECUTE FUNCTION files_notify_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS files_notify_change ON files;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS files_notify_change();");
        }
    }
}
