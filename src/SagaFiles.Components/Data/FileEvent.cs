using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaFiles.Components.Data;

/// <summary>
/// One event of a tenant's files (table <c>file_events</c>), written by the <c>files</c> trigger at commit without a lock:
/// it has an <see cref="Id" /> and the transaction's id (column <c>xid</c>, SQL only), and no <see cref="Position" /> yet.
/// <see cref="FileEventSequencer" /> hands out positions to the events of finished transactions only, oldest transaction
/// first, so a reader that has seen position n never sees a smaller one appear later; the tenant-wide progress stream
/// resumes from a position (its <c>Last-Event-ID</c>). Kept for <c>Progress:EventRetention</c> (docs/adr/0012).
/// </summary>
public sealed class FileEvent
{
    public const string Transition = "transition";
    public const string Progress = "progress";
    public const string Outcome = "outcome";

    public long Id { get; init; }

    /// <summary>Null until sequenced; readers read sequenced events only.</summary>
    public long? Position { get; init; }

    public required string Tenant { get; init; }

    public Guid FileId { get; init; }

    /// <summary><see cref="Transition" /> (a new history entry), <see cref="Progress" /> (a running step reported) or <see cref="Outcome" /> (Completed or Failed).</summary>
    public required string Kind { get; init; }

    /// <summary>A transition's index in the file's history (as GET /files/{id}/events orders it).</summary>
    public int? HistoryIndex { get; init; }

    /// <summary>A progress report's step, attempt and bytes (the total: the step's, else the file's size).</summary>
    public string? Step { get; init; }

    public int? Attempt { get; init; }

    public long? BytesDone { get; init; }

    public long? BytesTotal { get; init; }

    /// <summary>A progress report's rows read (a tabular conversion) and entries expanded out of those listed (an archive).</summary>
    public long? RowsDone { get; init; }

    public long? EntriesDone { get; init; }

    public long? EntriesTotal { get; init; }

    public DateTimeOffset At { get; init; }
}

public sealed class FileEventConfiguration : IEntityTypeConfiguration<FileEvent>
{
    public void Configure(EntityTypeBuilder<FileEvent> entity)
    {
        entity.ToTable("file_events");
        entity.HasKey(x => x.Id);
        entity.Property(x => x.Id).UseIdentityAlwaysColumn();
        entity.HasIndex(x => x.Position).IsUnique();
        entity.Property(x => x.Tenant).HasMaxLength(Tenants.MaxLength);
        entity.Property(x => x.Kind).HasMaxLength(16);
        entity.Property(x => x.Step).HasMaxLength(32);
        entity.Property(x => x.At).HasDefaultValueSql("now()");
        // A tenant's stream reads its events after a position; the clean-up deletes by age.
        entity.HasIndex(x => new { x.Tenant, x.Position });
        entity.HasIndex(x => x.At);
    }
}

/// <summary>
/// The newest position of a tenant's events the clean-up deleted (table <c>file_event_horizons</c>): a client resuming
/// from an older position has missed events that are gone, and the stream tells it so rather than skip them silently.
/// </summary>
public sealed class FileEventHorizon
{
    public required string Tenant { get; init; }

    public long DeletedThrough { get; init; }
}

public sealed class FileEventHorizonConfiguration : IEntityTypeConfiguration<FileEventHorizon>
{
    public void Configure(EntityTypeBuilder<FileEventHorizon> entity)
    {
        entity.ToTable("file_event_horizons");
        entity.HasKey(x => x.Tenant);
        entity.Property(x => x.Tenant).HasMaxLength(Tenants.MaxLength);
    }
}
