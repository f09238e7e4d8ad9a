using SagaFiles.Processing.Archives;
using SagaFiles.Processing.Routing;

namespace SagaFiles.Processing.Processors;

/// <summary>
/// An archive (zip, tar, tar.gz, single-file gz) becomes one child file per regular entry (<see cref="ArchiveReader" />:
/// unsafe paths, bombs and corrupt archives are rejected before any child is published). An archive nested deeper
/// than <see cref="ArchiveExpansionOptions.MaxDepth" /> is refused, and one inside another expands within its
/// <see cref="ArchiveShare" /> of the outer one's limits.
/// </summary>
public sealed class ArchiveExpansionProcessor(ArchiveExpansionOptions options) : IFileProcessor
{
    public string Name => FileRouter.Archive;

    public bool ExpandsIntoChildren => true;

    public async Task<ProcessingOutcome> ProcessAsync(ProcessingInput input, IProcessingOutputs outputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputs);
        if (input.ArchiveDepth >= options.MaxDepth)
            throw new ArchiveRejectedException(ArchiveRejection.Unsupported,
                $"The archive is inside {input.ArchiveDepth} other archives; archives are unpacked {options.MaxDepth} levels deep at most.");
        var format = await ArchiveFormatDetector.DetectAsync(input.Content, input.Type, cancellationToken).ConfigureAwait(false) ??
                     throw new ArchiveRejectedException(ArchiveRejection.Unsupported,
                         $"{input.Type.Name} content ({input.Type.Extension}) is not an archive SagaFiles unpacks (zip, tar, tar.gz, gz).");

        var limits = input.ArchiveShare?.Within(options.Limits) ?? options.Limits;
        long bytes = 0;
        var children = 0;
        await foreach (var entry in ArchiveReader.ReadEntriesAsync(input.Content, format, input.FileName, limits, cancellationToken)
                           .ConfigureAwait(false))
        {
            bytes += await outputs.AddChildAsync(entry.Path, entry.Content, cancellationToken).ConfigureAwait(false);
            children++;
            input.Progress?.EntriesExpanded(children, entry.Listed);
        }

        return new ProcessingOutcome([], ExpandsIntoChildren: true, ArchiveShare.Unused(limits, bytes, children));
    }
}

/// <summary>Limits on unpacking archives.</summary>
public sealed record ArchiveExpansionOptions
{
    /// <summary>Archives inside archives are unpacked this many levels deep: an archive at this depth is refused.</summary>
    public int MaxDepth { get; init; } = 3;

    /// <summary>What one archive may expand to.</summary>
    public ArchiveLimits Limits { get; init; } = ArchiveLimits.Default;

    /// <returns>What is wrong with the settings, named under <paramref name="section" />; null when they hold.</returns>
    public string? Problem(string section)
    {
        if (MaxDepth < 1)
            return $"{section}:MaxDepth must be at least 1, not {MaxDepth}.";
        try
        {
            Limits.Validate();
            return null;
        }
        catch (ArgumentOutOfRangeException e)
        {
            return $"{section}:Limits: {e.Message}";
        }
    }
}
