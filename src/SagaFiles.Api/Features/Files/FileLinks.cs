namespace SagaFiles.Api.Features.Files;

/// <summary>Where to find more about a file.</summary>
public sealed record FileLinks(string Self, string Saga, string Events, string Original, string Result)
{
    public static FileLinks For(Guid id) => new($"/files/{id}", $"/files/{id}/saga", $"/files/{id}/events",
        $"/files/{id}/download?what=original", $"/files/{id}/download?what=result");
}
