using SagaFiles.Processing.Archives;
using SagaFiles.Processing.Conversion;

namespace SagaFiles.Processing.Processors;

/// <summary>What a processor produced.</summary>
/// <param name="Results">Each result created through <see cref="IProcessingOutputs.CreateResult" />, in order.</param>
/// <param name="ExpandsIntoChildren">The file is a container (an archive): what it held went to
/// <see cref="IProcessingOutputs.AddChildAsync" />, and the file is done when its children are (even with none).</param>
/// <param name="UnusedArchiveShare">For an archive: what its limits left unused, shared among its children
/// (<see cref="ArchiveShare.For" />) in case they are archives too.</param>
public sealed record ProcessingOutcome(IReadOnlyList<ProcessedResult> Results, bool ExpandsIntoChildren = false,
    ArchiveShare? UnusedArchiveShare = null);

/// <summary>One result.</summary>
/// <param name="Name">As passed to <see cref="IProcessingOutputs.CreateResult" />.</param>
/// <param name="Format">The result's format (<c>parquet</c>).</param>
/// <param name="MediaType">Its IANA media type.</param>
/// <param name="Table">Rows and columns written, for tabular results.</param>
public sealed record ProcessedResult(string Name, string Format, string MediaType, ConversionResult? Table = null);
