namespace SagaFiles.Contracts;

/// <summary>
/// Where a long list of results is kept instead of in the messages (a claim check): a JSON array of
/// <see cref="FileOutput" />s in an object of the staging or processed bucket. A SQL dump of hundreds of tables, or a table of
/// thousands of columns, describes its results in more bytes than SQS carries; a short list travels inline.
/// </summary>
public record OutputManifest
{
    public required string Bucket { get; init; }

    public required string Key { get; init; }

    /// <summary>How many results the manifest lists.</summary>
    public required int Count { get; init; }
}
