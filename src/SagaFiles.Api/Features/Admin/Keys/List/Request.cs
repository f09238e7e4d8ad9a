using FastEndpoints;

namespace SagaFiles.Api.Features.Admin.Keys.List;

public sealed class Request
{
    /// <summary>Only this tenant's keys; every key when unset.</summary>
    [QueryParam]
    public string? Tenant { get; init; }
}
