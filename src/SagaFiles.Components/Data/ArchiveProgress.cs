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

    /// <summary>Every child has reported.</summary>
    public bool AllChildrenFinished => ChildCount is { } count && ChildrenCompleted + ChildrenFailed >= count;

    /// <summary>Whether the failed children are at most <paramref name="toleratedFailurePercent" /> percent of the children.</summary>
    public bool WithinTolerance(double toleratedFailurePercent) =>
        ChildrenFailed == 0 || (ChildCount is > 0 and var count && ChildrenFailed * 100.0 <= toleratedFailurePercent * count);
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
            INSERT INTO archive_progress AS p (file_id, children_completed, children_failed) VALUES ({archiveId}, {completed}, {failed})
            ON CONFLICT (file_id) DO UPDATE SET children_completed = p.children_completed + excluded.children_completed,
                children_failed = p.children_failed + excluded.children_failed
            RETURNING p.*
            """), cancellationToken);
    }

    /// <summary>Records how many children the archive expanded into (the same number however often it is told).</summary>
    public static Task<ArchiveProgress> ExpectChildrenAsync(this SagaFilesDbContext db, Guid archiveId, int childCount,
        CancellationToken cancellationToken) =>
        SingleAsync(db.ArchiveProgress.FromSql($"""
            INSERT INTO archive_progress AS p (file_id, child_count, children_completed, children_failed) VALUES ({archiveId}, {childCount}, 0, 0)
            ON CONFLICT (file_id) DO UPDATE SET child_count = excluded.child_count
            RETURNING p.*
            """), cancellationToken);

    // An INSERT ... RETURNING cannot be composed into a query: read its rows as they are.
    static async Task<ArchiveProgress> SingleAsync(IQueryable<ArchiveProgress> statement, CancellationToken cancellationToken)
    {
        await foreach (var row in statement.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
            return row;
        throw new InvalidOperationException("The archive_progress statement returned no row.");
    }
}
