using FastEndpoints;
using FluentValidation;

namespace SagaFiles.Api.Features.Files.Download;

public sealed class Request
{
    public Guid Id { get; init; }

    /// <summary><c>original</c> (as uploaded) or <c>result</c> (the processed output).</summary>
    [QueryParam]
    public string What { get; init; } = "result";

    /// <summary>Which result, by name, when there are several (a SQL dump gives one Parquet file per table).</summary>
    [QueryParam]
    public string? Name { get; init; }

    /// <summary>True: 200 with the presigned URL as JSON instead of the redirect (a web page cannot read a redirect's Location).</summary>
    [QueryParam]
    public bool Link { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.What).Must(w => w is "original" or "result").WithMessage("'what' must be 'original' or 'result'.");
        }
    }
}
