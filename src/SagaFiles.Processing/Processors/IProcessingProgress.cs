namespace SagaFiles.Processing.Processors;

/// <summary>
/// How far a processor has got, in the units its work is counted in, for a caller that shows progress while it runs
/// (the bytes of the input are the caller's to count). Called on the processor's own thread, often: an implementation
/// records the numbers for another thread to read, cheaply, and does not throw.
/// </summary>
public interface IProcessingProgress
{
    /// <summary>Rows converted so far: written to the table (JSON, JSON Lines, all of a SQL dump's tables), or read for
    /// it in the pass over the input the converter is making (CSV, TSV: counted at the input, so the count starts again
    /// when the converter reads the input again). No total: it is known only at the end.</summary>
    void RowsConverted(long rows);

    /// <summary>Entries stored as child files so far (only grows), out of <paramref name="total" />: the regular files the
    /// archive lists before it is read (a zip's central directory, 1 for a single-file gzip), null when it lists none (tar).</summary>
    void EntriesExpanded(long entries, long? total);
}
