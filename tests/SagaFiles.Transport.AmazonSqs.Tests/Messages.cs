namespace SagaFiles.Transport.AmazonSqs.Tests;

public record OrderSubmitted(Guid OrderId, int Number);

public record ProcessOrder(Guid OrderId, int Number);

public record SlowWork(Guid Id, int Milliseconds);

public record FailingWork(Guid Id);

public record FlakyWork(Guid Id, int FailuresBeforeSuccess);

public record UnhandledMessage(Guid Id);

public record LargeMessage(string Payload);

public record DelayedPing(Guid Id, DateTimeOffset SentAt);
