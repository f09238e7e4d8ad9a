using System.Text.Json;
using MassTransit.Serialization;
using SagaFiles.Processing;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// The convert step's completion describes the results (names, keys, each table's schema), and the upload command, the
/// upload's completion and FileProcessingCompleted carry the same list again: a SQL dump of a thousand tables would make
/// them too large for SQS. Checked once, before the first of them is published, the file fails for good naming
/// <see cref="ProcessingLimits.MaxMessageBytes" /> instead of the transport refusing a message on every attempt. The later
/// messages differ by a few bytes per result (published keys), far inside the room the ceiling leaves.
/// </summary>
static class MessageSize
{
    /// <exception cref="Processing.Conversion.ConversionException">The message's body would be larger than the limit.</exception>
    public static T Checked<T>(T message, ProcessingLimits limits)
        where T : StepCompleted
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, SystemTextJsonMessageSerializer.Options).Length;
        if (bytes > limits.MaxMessageBytes)
            throw ProcessingLimits.Breach(nameof(ProcessingLimits.MaxMessageBytes), bytes, limits.MaxMessageBytes,
                $"The description of the results ({typeof(T).Name}) is larger, in bytes,");
        return message;
    }
}
