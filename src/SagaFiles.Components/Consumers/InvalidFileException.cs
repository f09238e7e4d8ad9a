namespace SagaFiles.Components.Consumers;

/// <summary>
/// The file itself cannot be processed (empty, too large, gone): retrying will not help, so the step faults at once,
/// and the message is shown to the user as the reason.
/// </summary>
public sealed class InvalidFileException(string message) : Exception(message);
