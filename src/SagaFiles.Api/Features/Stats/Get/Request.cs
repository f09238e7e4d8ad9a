using FastEndpoints;
using FluentValidation;

namespace SagaFiles.Api.Features.Stats.Get;

public sealed class Request
{
    /// <summary>The window the figures cover, in minutes up to now (1 to 10,080, a week).</summary>
    [QueryParam]
    public int Minutes { get; init; } = 60;

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(x => x.Minutes).InclusiveBetween(1, 7 * 24 * 60);
    }
}
