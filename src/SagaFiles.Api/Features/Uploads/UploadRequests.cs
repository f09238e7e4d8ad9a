using FastEndpoints;
using FluentValidation;
using SagaFiles.Storage;

namespace SagaFiles.Api.Features.Uploads;

/// <summary>An upload, by its id in the route.</summary>
public sealed class UploadRequest
{
    public Guid Id { get; init; }
}

/// <summary>A part of an upload, by the upload's id and the part's number in the route.</summary>
public sealed class PartRequest
{
    public Guid Id { get; init; }

    /// <summary>The part's number, 1 to the upload's part count.</summary>
    public int N { get; init; }

    public sealed class Validator : Validator<PartRequest>
    {
        public Validator() =>
            RuleFor(x => x.N).InclusiveBetween(1, IMultipartStore.MaxParts)
                .WithMessage(x => $"Part {x.N} is out of range: part numbers are 1 to the upload's part count (at most {IMultipartStore.MaxParts:N0}).");
    }
}
