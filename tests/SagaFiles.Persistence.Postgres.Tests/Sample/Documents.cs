namespace SagaFiles.Persistence.Postgres.Tests.Sample;

/// <summary>A row a consumer writes, to check that its changes and its messages commit together.</summary>
public class Document
{
    public Guid Id { get; set; }

    public string Name { get; set; } = null!;
}

public record CreateDocument(Guid DocumentId, string Name, bool FailAfterPublish = false);

public record DocumentCreated(Guid DocumentId);
