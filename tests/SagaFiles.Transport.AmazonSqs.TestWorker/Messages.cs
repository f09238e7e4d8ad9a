namespace SagaFiles.Transport.AmazonSqs.TestWorker;

public record WorkItem(Guid Id, int Sequence);

public record WorkItemDone(Guid Id, int Sequence, int ProcessId);
