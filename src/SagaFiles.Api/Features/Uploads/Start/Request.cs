using FastEndpoints;
using FluentValidation;

namespace SagaFiles.Api.Features.Uploads.Start;

public sealed class Request
{
    /// <summary>The file's name (as POST /files takes it; at most 512 characters).</summary>
    public string Name { get; init; } = "";

    /// <summary>The file's exact size in bytes: every part's size follows from it.</summary>
    public long Size { get; init; }

    public string? ContentType { get; init; }

    /// <summary>At most 20 tags, keys of 1 to 64 characters, values of at most 256.</summary>
    public Dictionary<string, string> Tags { get; init; } = [];

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Name).NotEmpty().WithMessage("A name is required.");
            RuleFor(x => x.Size).GreaterThan(0).WithMessage("The size must be at least 1 byte.");
        }
    }
}
