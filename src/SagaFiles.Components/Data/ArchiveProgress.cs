using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaFiles.Components.Data;

/// <summary>
/// An archive's children counted as they finish (table <c>archive_progress</c>), one row per archive apart from its saga's
/// row: thousands of children add to it with atomic updates that wait on each other's row lock instead of racing the
/// saga's optimistic version (<see cref="Consumers.ArchiveChildrenConsumer" />).
/// </summary>
public sealed class ArchiveProgress
{
    /// <summary>The archive's file id.</summary>
    public required Guid FileId { get; init; }

    /// <summary>How many children the archive expanded into; null until its saga has heard (children may report first).</summary>
    public int? ChildCount { get; init; }

    public int ChildrenCompleted { get; init; }

    public int ChildrenFailed { get; init; }

    /// <summary>How many of the archive's <see cref="ArchiveChild" /> rows, in entry order, have been published so far.</summary>
    public int ChildrenReleased { get; init; }

    /// <summary>Every child has reported.</summary>
    public bool AllChildrenFinished => ChildCount is { } count && ChildrenCompleted + ChildrenFailed >= count;

    /// <summary>Whether the failed children are at most <paramref name="toleratedFailurePercent" /> percent of the children.</summary>
    public bool WithinTolerance(double toleratedFailurePercent) =>
        ChildrenFailed == 0 || (ChildCount is > 0 and var count && ChildrenFailed * 100.0 <= toleratedFailurePercent * count);
}

/// <summary>
/// A child file of an archive not yet published, in entry order (table <c>archive_children</c>): its <see cref="FileUploaded" />
/// as JSON, read from the convert step's <see cref="ChildManifest" /> and published when
/// <see cref="ArchiveProgressUpdates.ReleaseChildrenAsync" /> reaches its ordinal. Deleted once every child has finished.
/// </summary>
public sealed class ArchiveChild
{
    public required Guid ArchiveId { get; init; }

    public required int Ordinal { get; init; }

    public required string Message { get; init; }
}

public sealed class ArchiveChildConfiguration : IEntityTypeConfiguration<ArchiveChild>
{
    public void Configure(EntityTypeBuilder<ArchiveChild> entity)
    {
        entity.ToTable("archive_children");
        entity.HasKey(x => new { x.ArchiveId, x.Ordinal });
        entity.Property(x => x.Message).HasColumnType("jsonb");
    }
}

public sealed class ArchiveProgressConfiguration : IEntityTypeConfiguration<ArchiveProgress>
{
    public void Configure(EntityTypeBuilder<ArchiveProgress> entity)
    {
        entity.ToTable("archive_progress");
        entity.HasKey(x => x.FileId);
        entity.Ignore(x => x.AllChildrenFinished);
    }
}

/// <summary>
/// The two atomic updates of an archive's progress row, each one statement that creates the row if it is missing: whichever
/// of an archive's count and its children's reports arrives first, the statement that completes the count sees it.
/// </summary>
public static class ArchiveProgressUpdates
{
    /// <summary>Counts a child's outcome, moving it out of the count it was in if it reported before.</summary>
    public static Task<ArchiveProgress> CountChildAsync(this SagaFilesDbContext db, Guid archiveId, bool succeeded, bool? previouslySucceeded,
        CancellationToken cancellationToken)
    {
        var completed = (succeeded ? 1 : 0) - (previouslySucceeded == true ? 1 : 0);
        var failed = (succeeded ? 0 : 1) - (previouslySucceeded == false ? 1 : 0);
        return SingleAsync(db.ArchiveProgress.FromSql($"""
            INSERT INTO archive_progress AS p (file_id, children_completed, children_failed, children_released) VALUES ({archiveId}, {completed}, {failed}, 0)
            ON CONFLICT (file_id) DO UPDATE SET children_completed = p.children_completed + excluded.children_completed,
                children_failed = p.children_failed + excluded.children_failed
            RETURNING p.*
            """), cancellationToken);
    }

    /// <summary>Records how many children the archive expanded into (the same number however often it is told).</summary>
    public static Task<ArchiveProgress> ExpectChildrenAsync(this SagaFilesDbContext db, Guid archiveId, int childCount,
        CancellationToken cancellationToken) =>
        SingleAsync(db.ArchiveProgress.FromSql($"""
            INSERT INTO archive_progress AS p (file_id, child_count, children_completed, children_failed, children_released) VALUES ({archiveId}, {childCount}, 0, 0, 0)
            ON CONFLICT (file_id) DO UPDATE SET child_count = excluded.child_count
            RETURNING p.*
            """), cancellationToken);

    /// <summary>Records an archive's children to release, <paramref name="messages" /> from ordinal <paramref name="firstOrdinal" />
    /// on (a repeat adds nothing).</summary>
    public static Task RecordChildrenAsync(this SagaFilesDbContext db, Guid archiveId, int firstOrdinal, IReadOnlyList<string> messages,
        CancellationToken cancellationToken)
    {
        var ordinals = Enumerable.Range(firstOrdinal, messages.Count).ToArray();
        var jsons = messages.ToArray();
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO archive_children (archive_id, ordinal, message)
            SELECT {archiveId}, t.ordinal, t.message::jsonb FROM unnest({ordinals}, {jsons}) AS t(ordinal, message)
            ON CONFLICT DO NOTHING
            """, cancellationToken);
    }

    /// <summary>
    /// Moves the archive's release mark up to its finished children plus <paramref name="inFlight" /> (at most its count) and
    /// returns the children between the old mark and the new, in entry order, to publish in the same transaction: one
    /// statement on the progress row, so concurrent reports each release other children and none twice.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReleaseChildrenAsync(this SagaFilesDbContext db, Guid archiveId, int inFlight,
        CancellationToken cancellationToken)
    {
        var released = new List<string>();
        var statement = db.Database.SqlQuery<string>($"""
            WITH mark AS (
                SELECT children_released AS released_from,
                    LEAST(child_count, children_completed + children_failed + {inFlight}) AS released_to
                FROM archive_progress WHERE file_id = {archiveId} AND child_count IS NOT NULL FOR UPDATE),
            moved AS (
                UPDATE archive_progress p SET children_released = mark.released_to FROM mark
                WHERE p.file_id = {archiveId} AND mark.released_to > mark.released_from
                RETURNING mark.released_from, mark.released_to)
            SELECT c.message::text AS "Value"
            FROM archive_children c JOIN moved ON c.ordinal >= moved.released_from AND c.ordinal < moved.released_to
            WHERE c.archive_id = {archiveId} ORDER BY c.ordinal
            """);
        await foreach (var message in statement.AsAsyncEnumerable().WithCancellation(cancellationToken))
            released.Add(message);
        return released;
    }

    /// <summary>Forgets the children of an archive whose children have all finished.</summary>
    public static Task ForgetChildrenAsync(this SagaFilesDbContext db, Guid archiveId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"DELETE FROM archive_children WHERE archive_id = {archiveId}", cancellationToken);

    // An INSERT ... RETURNING cannot be composed into a query: read its rows as they are.
    static async Task<ArchiveProgress> SingleAsync(IQueryable<ArchiveProgress> statement, CancellationToken cancellationToken)
    {
        await foreach (var row in statement.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
            return row;
        throw new InvalidOperationException("The archive_progress statement returned no row.");
    }
}
