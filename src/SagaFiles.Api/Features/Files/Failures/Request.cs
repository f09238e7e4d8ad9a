using FastEndpoints;
using FluentValidation;

namespace SagaFiles.Api.Features.Files.Failures;

public sealed class Request
{
    /// <summary>At most this many groups, the largest first (1 to 200).</summary>
    [QueryParam]
    public int Limit { get; init; } = 50;

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(x => x.Limit).InclusiveBetween(1, 200);
    }
}
