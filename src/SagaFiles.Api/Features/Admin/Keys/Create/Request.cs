using FastEndpoints;
using FluentValidation;

namespace SagaFiles.Api.Features.Admin.Keys.Create;

public sealed class Request
{
    public string Name { get; init; } = "";

    public string Tenant { get; init; } = "";

    /// <summary>files:write, files:read and/or admin.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    public sealed class Validator : Validator<Request>
    {
        public Validator() =>
            RuleFor(x => x).Custom((request, context) =>
            {
                if (ApiKeyStore.Validate(request.Name, request.Tenant, request.Scopes) is { } problem)
                    context.AddFailure(problem);
            });
    }
}
