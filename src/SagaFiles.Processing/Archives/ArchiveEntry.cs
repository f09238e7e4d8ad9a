namespace SagaFiles.Processing.Archives;

/// <summary>A regular file inside an archive, as <see cref="ArchiveReader" /> yields it.</summary>
/// <param name="Index">0-based position among the files yielded (directories and links are not counted).</param>
/// <param name="Path">The entry's path inside the archive: relative, '/'-separated, without "." or empty segments.</param>
/// <param name="Name">The last segment of <paramref name="Path" />.</param>
/// <param name="Content">The decompressed bytes, read-only and forward-only; valid until the next entry is requested.
/// Reading it counts against the <see cref="ArchiveLimits" /> and may throw <see cref="ArchiveRejectedException" />.</param>
/// <param name="DeclaredLength">The length the archive's header states (zip, tar); null for single-file gzip. Reading
/// <paramref name="Content" /> to its end fails when the bytes do not match it.</param>
/// <param name="Listed">How many regular files the archive lists before it is read: a zip's central directory, 1 for a
/// single-file gzip; null for tar, which lists nothing ahead of its entries.</param>
public sealed record ArchiveEntry(int Index, string Path, string Name, Stream Content, long? DeclaredLength, long? Listed = null);
