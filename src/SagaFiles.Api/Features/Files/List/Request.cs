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

    /// <summary>The last page asked for: beyond it the rows to skip would overflow (and no one pages that far).</summary>
    public const int MaxPage = 1_000_000;

    /// <summary>1-based page number, at most 1,000,000.</summary>
    [QueryParam]
    public int Page { get; init; } = 1;

    /// <summary>Files per page, 1 to 100.</summary>
    [QueryParam]
    public int Limit { get; init; } = 20;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Page).InclusiveBetween(1, MaxPage);
            RuleFor(x => x.Limit).InclusiveBetween(1, 100);
            RuleFor(x => x.Status).IsInEnum();
        }
    }
}
