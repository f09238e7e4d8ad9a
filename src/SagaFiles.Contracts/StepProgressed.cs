namespace SagaFiles.Contracts;

/// <summary>
/// A running attempt advanced: published by the worker at most once per <c>Processing:ProgressInterval</c>, and only when
/// more was done since the last report. It moves the attempt's deadline (<c>FileSaga:StepTimeout</c>) on, so a step on a
/// file of many gigabytes outlives the timeout while it advances, and one that stops advancing still times out.
/// </summary>
public record StepProgressed
{
    public required Guid FileId { get; init; }

    public required int Attempt { get; init; }

    /// <summary>The step's name: <c>Checksum</c>, <c>Convert</c>, ...</summary>
    public required string Step { get; init; }

    /// <summary>Bytes of the step's input done so far (hashed, or read by the converter).</summary>
    public required long BytesDone { get; init; }

    /// <summary>The input's size, when it is known.</summary>
    public long? BytesTotal { get; init; }

    /// <summary>Rows converted so far, for a tabular conversion (written for JSON and SQL dumps, read for CSV and TSV);
    /// null where the step counts none. No total: a file's rows are known at its end.</summary>
    public long? RowsDone { get; init; }

    /// <summary>Entries stored as child files so far, for an archive; null for anything else.</summary>
    public long? EntriesDone { get; init; }

    /// <summary>The files the archive lists ahead of its entries (a zip's central directory, 1 for a gzip); null when it lists none (tar).</summary>
    public long? EntriesTotal { get; init; }
}
