using System.Globalization;
using SagaFiles.Processing.Conversion;

namespace SagaFiles.Processing;

/// <summary>
/// What one file may make a worker hold, whatever the file claims (section <c>Processing:Limits</c>). A file past a
/// limit fails for good (<see cref="Breach" />), naming the limit, the value met and the setting that raises it.
/// </summary>
public sealed record ProcessingLimits
{
    /// <summary>The configuration section, named in every breach's message.</summary>
    public const string Section = "Processing:Limits";

    /// <summary>Columns of one table (CSV/TSV header, SQL CREATE TABLE, written JSON key paths).</summary>
    public int MaxColumns { get; init; } = 10_000;

    /// <summary>Characters of one column, JSON key (its dotted path too) or SQL table name.</summary>
    public int MaxNameLength { get; init; } = 256;

    /// <summary>How deep JSON objects and arrays nest (the document's own array counts as one level).</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>Distinct flattened key paths in one JSON input (nested objects' paths included, written or not).</summary>
    public int MaxFlattenedColumns { get; init; } = 1_000;

    /// <summary>Tables (CREATE TABLE statements) in one SQL dump; each becomes a Parquet file.</summary>
    public int MaxTables { get; init; } = 1_000;

    /// <summary>Values held per Parquet row group: a wide table gets fewer rows per group, so memory is bounded by this and
    /// not by the number of columns.</summary>
    public int MaxCellsPerRowGroup { get; init; } = 2 * 1024 * 1024;

    /// <summary>Bytes of one message's body: SQS takes at most 256 KiB (an SNS delivery escapes the body again, about a fifth
    /// more), and the emulator and the workers hold every message in flight. A step's results go in a manifest object
    /// past <see cref="MaxInlineOutputsBytes" />, so what a file contains does not make its messages larger.</summary>
    public int MaxMessageBytes { get; init; } = 128 * 1024;

    /// <summary>Bytes of a step's list of results (names, keys, each table's schema) carried in its messages and the file's
    /// record; a longer list is written to an <c>OutputManifest</c> object that the messages point to. At most half of
    /// <see cref="MaxMessageBytes" />.</summary>
    public int MaxInlineOutputsBytes { get; init; } = 16 * 1024;

    /// <summary>The largest <see cref="MaxMessageBytes" />: what SQS takes, less room for the envelope's headers.</summary>
    public const int MessageBytesCeiling = 192 * 1024;

    /// <summary>The deepest nesting <see cref="MaxJsonDepth" /> may allow: the flattener recurses once per level.</summary>
    public const int JsonDepthCeiling = 1_000;

    /// <summary>Threads one conversion keeps busy at most: a CSV's chunks parse on that many threads at once, sharing
    /// them with the encoding of its row groups; JSON and SQL dumps use two (a row group encoded and compressed beside
    /// the parser) when it is 2 or more. 1 does everything on one thread, for a worker that runs several conversions at
    /// once on few cores.</summary>
    public int MaxConversionThreads { get; init; } = 2;

    /// <summary>The largest <see cref="MaxConversionThreads" />.</summary>
    public const int ConversionThreadsCeiling = 16;

    public static ProcessingLimits Default { get; } = new();

    /// <exception cref="ArgumentOutOfRangeException">A limit is below 1, or the JSON depth above its ceiling.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxColumns, 1, nameof(MaxColumns));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxNameLength, 1, nameof(MaxNameLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxJsonDepth, 1, nameof(MaxJsonDepth));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxJsonDepth, JsonDepthCeiling, nameof(MaxJsonDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFlattenedColumns, 1, nameof(MaxFlattenedColumns));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTables, 1, nameof(MaxTables));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCellsPerRowGroup, 1, nameof(MaxCellsPerRowGroup));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageBytes, 1, nameof(MaxMessageBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConversionThreads, 1, nameof(MaxConversionThreads));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxConversionThreads, ConversionThreadsCeiling, nameof(MaxConversionThreads));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxMessageBytes, MessageBytesCeiling, nameof(MaxMessageBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInlineOutputsBytes, 0, nameof(MaxInlineOutputsBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxInlineOutputsBytes, MaxMessageBytes / 2, nameof(MaxInlineOutputsBytes));
    }

    /// <returns>What is wrong with the limits, named under <see cref="Section" />; null when they hold.</returns>
    public string? Problem()
    {
        try
        {
            Validate();
            return null;
        }
        catch (ArgumentOutOfRangeException e)
        {
            return $"{Section}: {e.Message}";
        }
    }

    /// <summary>Fails the conversion when <paramref name="count" /> columns are more than <see cref="MaxColumns" />.</summary>
    internal void CheckColumns(long count, string what, long? line = null)
    {
        if (count > MaxColumns)
            throw Breach(nameof(MaxColumns), count, MaxColumns, $"{what} has more columns", line);
    }

    /// <summary>Fails the conversion when <paramref name="name" /> is longer than <see cref="MaxNameLength" />.</summary>
    internal void CheckName(ReadOnlySpan<char> name, string what, long? line = null)
    {
        if (name.Length > MaxNameLength)
            throw Breach(nameof(MaxNameLength), name.Length, MaxNameLength,
                $"{what} '{Excerpt(name)}' is longer, in characters,", line);
    }

    /// <summary>
    /// The error for a file past a limit: "{subject} than the {limit} allowed ({value} met): ...". Permanent, like any
    /// <see cref="ConversionException" />.
    /// </summary>
    /// <param name="limit">The property's name, <see cref="MaxColumns" /> say.</param>
    /// <param name="value">What the file holds (or reached when it was stopped).</param>
    /// <param name="allowed">The limit's value.</param>
    /// <param name="subject">What went past it, phrased to end in a comparative ("the table has more columns").</param>
    /// <param name="line">The input's line, when known.</param>
    public static ConversionException Breach(string limit, long value, long allowed, string subject, long? line = null) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"{subject} than the {allowed:N0} allowed ({value:N0}; limit {limit}, raise {Section}:{limit} to accept it)."), line);

    static string Excerpt(ReadOnlySpan<char> text) => text.Length <= 40 ? text.ToString() : string.Concat(text[..40], "...");
}
