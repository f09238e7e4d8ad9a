namespace SagaFiles.Api.Features.Admin.Keys.Revoke;

public sealed class Request
{
    public Guid Id { get; init; }
}
