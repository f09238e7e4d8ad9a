using FastEndpoints;
using FluentValidation;

namespace SagaFiles.Api.Features.Files.List;

public sealed class Request
{
    /// <summary>Only files with this status (Pending, Processing, Completed, Failed).</summary>
    [QueryParam]
    public FileStatus? Status { get; init; }

    /// <summary>Only the files that came out of this archive.</summary>
    [QueryParam]
    public Guid? Parent { get; init; }

    /// <summary>1-based page number.</summary>
    [QueryParam]
    public int Page { get; init; } = 1;

    /// <summary>Files per page, 1 to 100.</summary>
    [QueryParam]
    public int Limit { get; init; } = 20;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Page).GreaterThanOrEqualTo(1);
            RuleFor(x => x.Limit).InclusiveBetween(1, 100);
            RuleFor(x => x.Status).IsInEnum();
        }
    }
}
