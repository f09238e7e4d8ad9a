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

    /// <summary>Only files of this detected type or category (<c>csv</c>, <c>tabular</c>, <c>zip</c>, <c>archive</c>, ...).</summary>
    [QueryParam]
    public string? Type { get; init; }

    /// <summary>Only files with this tag: <c>key=value</c>, or <c>key</c> for any value.</summary>
    [QueryParam]
    public string? Tag { get; init; }

    /// <summary>Only files uploaded at or after this time.</summary>
    [QueryParam]
    public DateTimeOffset? From { get; init; }

    /// <summary>Only files uploaded before this time.</summary>
    [QueryParam]
    public DateTimeOffset? To { get; init; }

    /// <summary>The tag's key and its value (null: any value).</summary>
    public (string Key, string? Value)? TagFilter => Tag?.Split('=', 2) switch
    {
        [var key] => (key, null),
        [var key, var value] => (key, value),
        _ => null
    };

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
            RuleFor(x => x.Type).MaximumLength(32);
            RuleFor(x => x.Tag).MaximumLength(300).Must(tag => tag is null || !tag.StartsWith('='))
                .WithMessage("tag is key=value, or key for any value.");
            RuleFor(x => x.To).Must((request, to) => to is null || request.From is null || request.From < to).WithMessage("to is after from.");
        }
    }
}
