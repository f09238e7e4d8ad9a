namespace SagaFiles.Processing.Archives;

/// <summary>The archive formats <see cref="ArchiveReader" /> unpacks.</summary>
public enum ArchiveFormat
{
    Zip,
    Tar,

    /// <summary>A tar inside gzip (.tar.gz, .tgz).</summary>
    TarGZip,

    /// <summary>gzip around a single file (.csv.gz and the like).</summary>
    GZip
}
