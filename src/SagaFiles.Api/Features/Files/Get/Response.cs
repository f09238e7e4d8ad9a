using SagaFiles.Contracts;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Features.Files.Get;

/// <summary>
/// A file as users see it: where it is, what it is, how far it got, and what came out. <see cref="OutputCount" /> counts
/// its results; a list of files and the progress streams leave out the results of a file that keeps them in a manifest
/// (a SQL dump of many tables), which GET /files/{id} reads.
/// </summary>
public sealed record Response(
    Guid Id,
    string Tenant,
    string? UploadedBy,
    string OriginalName,
    string Bucket,
    string Key,
    string ContentType,
    string? DetectedType,
    string? Category,
    long Size,
    IReadOnlyDictionary<string, string> Tags,
    FileStatus Status,
    string? CurrentStep,
    int Attempt,
    string? ErrorMessage,
    string? Sha256,
    string? Processor,
    int OutputCount,
    IReadOnlyList<Output> Outputs,
    Conversion? Conversion,
    Archive? Archive,
    DateTimeOffset? ProcessedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    FileLinks Links)
{
    /// <summary>The file with the results its record lists (none when a manifest lists them).</summary>
    public static Response From(FileState file) => From(file, file.Outputs);

    /// <param name="outputs">The file's results, read from its manifest when it has one.</param>
    /// <param name="progress">An archive's children counted so far, while it waits for them.</param>
    public static Response From(FileState file, IReadOnlyList<FileOutput> outputs, ArchiveProgress? progress = null) => new(
        file.CorrelationId,
        file.Tenant,
        file.UploadedBy,
        file.OriginalName,
        file.SourceBucket,
        file.SourceKey,
        file.ContentType,
        file.DetectedType,
        file.Category,
        file.Size,
        file.Tags,
        FileStates.StatusOf(file.CurrentState),
        file.CurrentStep,
        file.Attempt,
        file.ErrorMessage,
        file.Sha256,
        file.Processor,
        file.OutputManifest?.Count ?? file.Outputs.Count,
        outputs.Select(Output.From).ToList(),
        Conversion.Of(file.Size, outputs),
        Archive.Of(file, progress),
        file.ProcessedAt,
        file.CreatedAt,
        file.UpdatedAt,
        FileLinks.For(file.CorrelationId));
}

/// <summary>A result: in staging until the file completes, then where it was published.</summary>
public sealed record Output(string Name, string Bucket, string Key, string Format, long Size, long? Rows, IReadOnlyList<TableColumn>? Schema)
{
    public static Output From(FileOutput output) =>
        new(output.Name, output.Bucket, output.Key, output.Format, output.Size, output.Table?.Rows, output.Table?.Columns);
}

/// <summary>What a conversion to Parquet made of the file, over all its tables.</summary>
/// <param name="Rows">Rows written.</param>
/// <param name="Columns">Columns written (summed over the tables of a SQL dump).</param>
/// <param name="CompressionRatio">The original's size over the total size of the Parquet written (3.5: a third and a bit).</param>
public sealed record Conversion(int Tables, long Rows, int Columns, double CompressionRatio)
{
    /// <param name="originalSize">The size of the file converted.</param>
    public static Conversion? Of(long originalSize, IReadOnlyList<FileOutput> outputs)
    {
        var tables = outputs.Where(o => o.Table != null).ToList();
        if (tables.Count == 0)
            return null;
        var written = tables.Sum(t => t.Size);
        return new Conversion(tables.Count, tables.Sum(t => t.Table!.Rows), tables.Sum(t => t.Table!.Columns.Count),
            written == 0 ? 0 : Math.Round((double)originalSize / written, 2));
    }
}

/// <summary>How a file relates to archives: the archive it came out of, and for an archive, its children's progress.</summary>
/// <param name="FailedChildrenLink">For an archive with failed children: the list of them.</param>
public sealed record Archive(Guid? ParentId, int Depth, int? Children, int ChildrenCompleted, int ChildrenFailed, string? ChildrenLink,
    string? FailedChildrenLink)
{
    public static Archive? Of(FileState file, ArchiveProgress? progress)
    {
        if (file.ParentFileId == null && file.ChildCount == null)
            return null;
        var failed = progress?.ChildrenFailed ?? file.ChildrenFailed;
        var children = file.ChildCount == null ? null : $"/files?parent={file.CorrelationId}";
        return new Archive(file.ParentFileId, file.ArchiveDepth, file.ChildCount, progress?.ChildrenCompleted ?? file.ChildrenCompleted, failed,
            children, failed > 0 ? $"{children}&status={FileStatus.Failed}" : null);
    }
}
