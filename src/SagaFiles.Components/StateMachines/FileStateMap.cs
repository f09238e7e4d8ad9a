using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SagaFiles.Components.Data;

namespace SagaFiles.Components.StateMachines;

/// <summary>The <c>files</c> table: one row per file, its saga's state and the file's record in one.</summary>
public sealed class FileStateMap : SagaClassMap<FileState>
{
    protected override void Configure(EntityTypeBuilder<FileState> entity, ModelBuilder model)
    {
        entity.ToTable("files");
        entity.Property(x => x.CurrentState).HasMaxLength(32);
        entity.Property(x => x.Version).IsXminRowVersion();
        entity.Property(x => x.Tenant).HasMaxLength(Tenants.MaxLength);
        entity.Property(x => x.OriginalName).HasMaxLength(FileState.MaxOriginalNameLength);
        entity.Property(x => x.UploadedBy).HasMaxLength(FileState.MaxUploadedByLength);
        entity.Property(x => x.ContentType).HasMaxLength(256);
        entity.Property(x => x.Sha256).HasMaxLength(64);
        entity.Property(x => x.Tags).IsJsonColumn();
        entity.Property(x => x.Steps).IsJsonColumn();
        entity.Property(x => x.History).IsJsonColumn();
        entity.Property(x => x.Outputs).IsJsonColumn();
        // A record compares by value, so the default comparer sees a change; null stays SQL NULL.
        entity.Property(x => x.OutputManifest).HasConversion(
                manifest => JsonSerializer.Serialize(manifest, JsonSerializerOptions.Web),
                json => JsonSerializer.Deserialize<OutputManifest>(json, JsonSerializerOptions.Web))
            .HasColumnType("jsonb");
        entity.Property(x => x.DetectedType).HasMaxLength(32);
        entity.Property(x => x.Category).HasMaxLength(32);
        entity.Property(x => x.Processor).HasMaxLength(64);

        // GET /files?status= lists a tenant's files newest first within a status.
        entity.HasIndex(x => new { x.Tenant, x.CurrentState, x.CreatedAt });
        entity.HasIndex(x => new { x.Tenant, x.CreatedAt });
        // An archive's children: GET /files?parent=.
        entity.HasIndex(x => x.ParentFileId);
        // GET /stats: the files that finished in a window (a finished file's updated_at dates its outcome), all tenants.
        entity.HasIndex(x => x.UpdatedAt);
        // The step timeout sweeper: only the files with an attempt running have a deadline.
        entity.HasIndex(x => x.StepTimeoutAt).HasFilter("step_timeout_at IS NOT NULL");
    }
}
