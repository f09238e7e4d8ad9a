using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Components.Data;

/// <summary>SagaFiles' database: the file sagas (which are the file records), upload and API keys, archives' child counts, resumable uploads and their parts, watched folders' ledger, the files' events in commit order, and the inbox/outbox tables.</summary>
public class SagaFilesDbContext(DbContextOptions<SagaFilesDbContext> options) : DbContext(options)
{
    public DbSet<FileState> Files => Set<FileState>();

    public DbSet<UploadKey> UploadKeys => Set<UploadKey>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<ArchiveProgress> ArchiveProgress => Set<ArchiveProgress>();

    public DbSet<ArchiveChild> ArchiveChildren => Set<ArchiveChild>();

    public DbSet<Upload> Uploads => Set<Upload>();

    public DbSet<UploadPart> UploadParts => Set<UploadPart>();

    public DbSet<FolderFile> FolderFiles => Set<FolderFile>();

    public DbSet<BucketObject> BucketObjects => Set<BucketObject>();

    public DbSet<BucketCursor> BucketCursors => Set<BucketCursor>();

    public DbSet<FileEvent> FileEvents => Set<FileEvent>();

    public DbSet<FileEventHorizon> FileEventHorizons => Set<FileEventHorizon>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        new FileStateMap().Configure(modelBuilder);
        modelBuilder.ApplyConfiguration(new UploadKeyConfiguration());
        modelBuilder.ApplyConfiguration(new ApiKeyConfiguration());
        modelBuilder.ApplyConfiguration(new ArchiveProgressConfiguration());
        modelBuilder.ApplyConfiguration(new ArchiveChildConfiguration());
        modelBuilder.ApplyConfiguration(new UploadConfiguration());
        modelBuilder.ApplyConfiguration(new UploadPartConfiguration());
        modelBuilder.ApplyConfiguration(new FolderFileConfiguration());
        modelBuilder.ApplyConfiguration(new BucketObjectConfiguration());
        modelBuilder.ApplyConfiguration(new BucketCursorConfiguration());
        modelBuilder.ApplyConfiguration(new FileEventConfiguration());
        modelBuilder.ApplyConfiguration(new FileEventHorizonConfiguration());
        modelBuilder.AddTransactionalOutboxEntities();
    }
}
