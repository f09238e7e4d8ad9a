using FastEndpoints;
using FluentValidation;

namespace SagaFiles.Api.Features.Uploads.Complete;

public sealed class Request
{
    public Guid Id { get; init; }

    /// <summary>
    /// Optional. Each entry's size and sha256 (hex) are checked against the part received; an entry with an etag (as storage
    /// answered a PUT to the part's presigned URL) records a part sent straight to storage, with its size.
    /// </summary>
    public List<Part> Parts { get; init; } = [];

    public sealed record Part(int Number, long? Size, string? Etag, string? Sha256);

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleForEach(x => x.Parts).ChildRules(part =>
            {
                part.RuleFor(p => p.Sha256).Matches("^[0-9a-fA-F]{64}$").When(p => p.Sha256 != null)
                    .WithMessage(p => $"Part {p.Number}'s sha256 must be 64 hex digits.");
                part.RuleFor(p => p.Etag).Must(e => e!.Trim('"').Length is > 0 and <= 128).When(p => p.Etag != null)
                    .WithMessage(p => $"Part {p.Number}'s etag must be 1 to 128 characters.");
            });
            RuleFor(x => x.Parts).Must(p => p.Select(x => x.Number).Distinct().Count() == p.Count).WithMessage("Each part may be listed once.");
        }
    }
}
