using System.Globalization;

namespace SagaFiles.Components.Consumers;

/// <summary>Where a file's objects live: one staging prefix per file, one dated folder per result.</summary>
public static class FileKeys
{
    /// <summary>Everything received for the file, in the incoming bucket.</summary>
    public static string UploadPrefix(Guid fileId) => $"uploads/{fileId}/";

    /// <summary>The file as received, under its stored (sanitised) name.</summary>
    public static string Upload(Guid fileId, string storedName) => $"{UploadPrefix(fileId)}{storedName}";

    /// <summary>Everything staged for the file; deleted once the result is published.</summary>
    public static string StagingPrefix(Guid fileId) => $"staging/{fileId}/";

    /// <summary>The staged copy of the upload.</summary>
    public static string StagedOriginal(Guid fileId) => $"{StagingPrefix(fileId)}original";

    /// <summary>A converted result, named as it will be published.</summary>
    public static string StagedResult(Guid fileId, string resultName) => $"{StagingPrefix(fileId)}result/{resultName}";

    /// <summary>Everything an archive expanded into, in the incoming bucket.</summary>
    public static string ArchiveEntriesPrefix(Guid archiveFileId) => $"archives/{archiveFileId}/";

    /// <summary>An archive entry, stored as its child file's original.</summary>
    public static string ArchiveEntry(Guid archiveFileId, int index, string name) =>
        string.Create(CultureInfo.InvariantCulture, $"{ArchiveEntriesPrefix(archiveFileId)}{index:D5}/{name}");

    /// <summary>
    /// Where a failed file's original is kept, in its bucket: dated by the failure (UTC, to the second) and named by the
    /// file's id and name, so two files of one name failing in the same second keep one copy each.
    /// </summary>
    public static string Failed(Guid fileId, DateTimeOffset failedAt, string name) =>
        string.Create(CultureInfo.InvariantCulture, $"failed/{failedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}_{fileId}_{name}");

    /// <summary>The published result, dated (UTC) by when the file was received.</summary>
    public static string Processed(Guid fileId, DateTimeOffset receivedAt, string resultName) =>
        string.Create(CultureInfo.InvariantCulture, $"processed/{receivedAt.UtcDateTime:yyyy/MM/dd}/{fileId}/{resultName}");
}
