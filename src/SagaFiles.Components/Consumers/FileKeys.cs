using System.Globalization;
using SagaFiles.Components.Data;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Where a file's objects live, in every bucket: under its tenant's folder, then one staging prefix per file, one dated
/// folder per result. The one place that names keys, so no object of a tenant is stored outside <c>{tenant}/</c>.
/// </summary>
public static class FileKeys
{
    /// <summary>The tenant's folder. Its name becomes part of every key, so it is checked here and not trusted to callers.</summary>
    public static string TenantPrefix(string tenant) =>
        Tenants.IsValid(tenant) ? $"{tenant}/" : throw new ArgumentException($"'{tenant}' cannot name a key: {Tenants.Rule}.", nameof(tenant));

    /// <summary>Everything received for the file, in the incoming bucket.</summary>
    public static string UploadPrefix(string tenant, Guid fileId) => $"{TenantPrefix(tenant)}uploads/{fileId}/";

    /// <summary>The file as received, under its stored (sanitised) name.</summary>
    public static string Upload(string tenant, Guid fileId, string storedName) => $"{UploadPrefix(tenant, fileId)}{storedName}";

    /// <summary>Everything staged for the file; deleted once the result is published.</summary>
    public static string StagingPrefix(string tenant, Guid fileId) => $"{TenantPrefix(tenant)}staging/{fileId}/";

    /// <summary>The staged copy of the upload.</summary>
    public static string StagedOriginal(string tenant, Guid fileId) => $"{StagingPrefix(tenant, fileId)}original";

    /// <summary>A converted result, named as it will be published.</summary>
    public static string StagedResult(string tenant, Guid fileId, string resultName) => $"{StagingPrefix(tenant, fileId)}result/{resultName}";

    /// <summary>The convert step's list of results, when it is too long for the messages (<see cref="OutputManifest" />).</summary>
    public static string StagedManifest(string tenant, Guid fileId) => $"{StagingPrefix(tenant, fileId)}outputs.json";

    /// <summary>Everything an archive expanded into, in the incoming bucket.</summary>
    public static string ArchiveEntriesPrefix(string tenant, Guid archiveFileId) => $"{TenantPrefix(tenant)}archives/{archiveFileId}/";

    /// <summary>The list of an archive's child files (<see cref="ChildManifest" />), beside its entries' folders.</summary>
    public static string ArchiveChildren(string tenant, Guid archiveFileId) => $"{ArchiveEntriesPrefix(tenant, archiveFileId)}children.jsonl";

    /// <summary>An archive entry, stored as its child file's original.</summary>
    public static string ArchiveEntry(string tenant, Guid archiveFileId, int index, string name) =>
        string.Create(CultureInfo.InvariantCulture, $"{ArchiveEntriesPrefix(tenant, archiveFileId)}{index:D5}/{name}");

    /// <summary>
    /// Where a failed file's original is kept, in its bucket: dated by the failure (UTC, to the second) and named by the
    /// file's id and name, so two files of one name failing in the same second keep one copy each.
    /// </summary>
    public static string Failed(string tenant, Guid fileId, DateTimeOffset failedAt, string name) =>
        string.Create(CultureInfo.InvariantCulture, $"{TenantPrefix(tenant)}failed/{failedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}_{fileId}_{name}");

    /// <summary>The folder of a file's published results, dated (UTC) by when the file was received.</summary>
    public static string ProcessedFolder(string tenant, Guid fileId, DateTimeOffset receivedAt) =>
        string.Create(CultureInfo.InvariantCulture, $"{TenantPrefix(tenant)}processed/{receivedAt.UtcDateTime:yyyy/MM/dd}/{fileId}/");

    /// <summary>A published result.</summary>
    public static string Processed(string tenant, Guid fileId, DateTimeOffset receivedAt, string resultName) =>
        ProcessedFolder(tenant, fileId, receivedAt) + resultName;

    /// <summary>The list of published results, when it is too long for the messages: beside the file's folder, so no result's
    /// name can be the same key.</summary>
    public static string ProcessedManifest(string tenant, Guid fileId, DateTimeOffset receivedAt) =>
        string.Create(CultureInfo.InvariantCulture, $"{TenantPrefix(tenant)}processed/{receivedAt.UtcDateTime:yyyy/MM/dd}/{fileId}.outputs.json");
}
