using FastEndpoints;
using FluentValidation;

namespace SagaFiles.Api.Features.Files.RetryMany;

/// <summary>Which Failed files of the caller's tenant to retry; every criterion given must hold, and at least one is given.</summary>
public sealed class Request
{
    /// <summary>Failed, or omitted (only a Failed file can be retried).</summary>
    public FileStatus? Status { get; init; }

    /// <summary>The step the files failed at (Download, Checksum, Convert, Upload).</summary>
    public string? Step { get; init; }

    /// <summary>Text the failure reason contains (case-insensitive).</summary>
    public string? Reason { get; init; }

    /// <summary>An archive: only its failed children are retried.</summary>
    public Guid? Parent { get; init; }

    /// <summary>Files that failed at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Files that failed before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>The filter as a history note shows it, e.g. <c>step=Convert, reason~"timeout"</c>.</summary>
    public override string ToString() => string.Join(", ", new[]
    {
        Status is { } status ? $"status={status}" : null,
        Step is { } step ? $"step={step}" : null,
        Reason is { } reason ? $"reason~\"{reason}\"" : null,
        Parent is { } parent ? $"parent={parent}" : null,
        From is { } from ? $"from={from:O}" : null,
        To is { } to ? $"to={to:O}" : null
    }.OfType<string>());

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            // An empty body is refused rather than taken for "every failed file": a mass retry is asked for by name.
            RuleFor(x => x).Must(x => x.Status != null || x.Step != null || x.Reason != null || x.Parent != null || x.From != null || x.To != null)
                .WithName("filter").WithMessage("Name at least one of status, step, reason, parent, from, to ({\"status\": \"Failed\"} retries every failed file).");
            RuleFor(x => x.Status).Must(status => status is null or FileStatus.Failed)
                .WithMessage("Only Failed files can be retried: status is Failed or omitted.");
            RuleFor(x => x.Step).Must(step => step is null || FileSteps.All.Any(s => s.Name == step))
                .WithMessage($"step is one of {string.Join(", ", FileSteps.All.Select(s => s.Name))}.");
            RuleFor(x => x.Reason).MaximumLength(500).Must(reason => reason is null || reason.Trim().Length > 0)
                .WithMessage("reason is some text the failure reason contains.");
            RuleFor(x => x.To).Must((request, to) => to is null || request.From is null || request.From < to)
                .WithMessage("to is after from.");
        }
    }
}
