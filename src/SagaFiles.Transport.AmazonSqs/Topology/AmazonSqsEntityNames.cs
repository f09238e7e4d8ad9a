using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using MassTransit;
using SagaFiles.Transport.AmazonSqs.Transport;

namespace SagaFiles.Transport.AmazonSqs;

/// <summary>
/// Queue and topic naming, following MassTransit.AmazonSQS: a message type's topic is its namespace with
/// '.' as '_', a '-', then the type name (<c>SagaFiles_Contracts-FileUploaded</c>); error, skipped and dead-letter queues
/// append <c>_error</c>, <c>_skipped</c> and <c>_dlq</c>.
/// </summary>
public static partial class AmazonSqsEntityNames
{
    public const int MaxQueueNameLength = 80;
    public const int MaxTopicNameLength = 256;
    public const string ErrorSuffix = "_error";
    public const string SkippedSuffix = "_skipped";
    public const string DeadLetterSuffix = "_dlq";
    const string FifoSuffix = ".fifo";

    /// <summary>The longest suffix appended to a queue name; the name must leave room for it.</summary>
    public static readonly int LongestQueueSuffix = new[] { ErrorSuffix, SkippedSuffix, DeadLetterSuffix }.Max(x => x.Length);

    public static string Scoped(string scope, string name) => string.IsNullOrEmpty(scope) ? name : $"{scope}_{name}";

    public static string Error(string queueName) => WithSuffix(queueName, ErrorSuffix);

    public static string Skipped(string queueName) => WithSuffix(queueName, SkippedSuffix);

    public static string DeadLetter(string queueName) => WithSuffix(queueName, DeadLetterSuffix);

    /// <summary>The queue where <paramref name="queueName" />'s failed messages of one kind wait.</summary>
    public static string FailedMessages(string queueName, FailedMessageQueue kind) =>
        kind == FailedMessageQueue.Error ? Error(queueName) : DeadLetter(queueName);

    static string WithSuffix(string queueName, string suffix) =>
        queueName.EndsWith(FifoSuffix, StringComparison.Ordinal)
            ? queueName[..^FifoSuffix.Length] + suffix + FifoSuffix
            : queueName + suffix;

    /// <summary>Why a queue name (with the room its derived queues need) is not acceptable to SQS, or null.</summary>
    public static string? ValidateQueueName(string entityName)
    {
        var baseName = entityName.EndsWith(FifoSuffix, StringComparison.Ordinal) ? entityName[..^FifoSuffix.Length] : entityName;
        if (!ValidCharacters().IsMatch(baseName))
            return $"Queue name '{entityName}' may contain only letters, digits, '-' and '_'.";
        if (entityName.Length + LongestQueueSuffix > MaxQueueNameLength)
            return $"Queue name '{entityName}' is {entityName.Length} characters; with the '{SkippedSuffix}' suffix of its derived queues "
                + $"it must stay within SQS's {MaxQueueNameLength} (at most {MaxQueueNameLength - LongestQueueSuffix} characters).";
        return null;
    }

    public static string? ValidateTopicName(string entityName)
    {
        var baseName = entityName.EndsWith(FifoSuffix, StringComparison.Ordinal) ? entityName[..^FifoSuffix.Length] : entityName;
        if (!ValidCharacters().IsMatch(baseName))
            return $"Topic name '{entityName}' may contain only letters, digits, '-' and '_'.";
        if (entityName.Length > MaxTopicNameLength)
            return $"Topic name '{entityName}' is {entityName.Length} characters; SNS allows {MaxTopicNameLength}.";
        return null;
    }

    /// <summary>Replaces characters SQS and SNS refuse (for names built from machine and process names).</summary>
    public static string Sanitize(string name) => InvalidCharacters().Replace(name, "_");

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex ValidCharacters();

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex InvalidCharacters();
}

/// <summary>Names a message type's topic: <c>Namespace_Parts-TypeName</c>, generic arguments between <c>--</c>.</summary>
public sealed class AmazonSqsMessageNameFormatter : IMessageNameFormatter
{
    readonly ConcurrentDictionary<Type, string> _names = new();

    public string GetMessageName(Type type) => _names.GetOrAdd(type, static t => Append(new StringBuilder(), t, null).ToString());

    static StringBuilder Append(StringBuilder name, Type type, string? enclosingNamespace)
    {
        if (type.IsGenericTypeDefinition)
            throw new ArgumentException($"An open generic type has no message name: {type}", nameof(type));

        var ns = type.Namespace?.Replace('.', '_');
        if (ns != null && ns != enclosingNamespace)
            name.Append(ns).Append('-');

        if (type is { IsNested: true, DeclaringType: not null })
            Append(name, type.DeclaringType, ns).Append('_');

        if (!type.IsGenericType)
            return name.Append(type.Name);

        var definition = type.GetGenericTypeDefinition().Name;
        name.Append(definition.AsSpan(0, definition.IndexOf('`') is var tick and > 0 ? tick : definition.Length)).Append("--");
        var arguments = type.GetGenericArguments();
        for (var i = 0; i < arguments.Length; i++)
        {
            if (i > 0)
                name.Append("__");
            Append(name, arguments[i], ns);
        }

        return name.Append("--");
    }
}
