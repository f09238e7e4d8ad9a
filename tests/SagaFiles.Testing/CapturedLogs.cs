using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SagaFiles.Testing;

/// <summary>Keeps every log entry (level, message, structured properties) for specs to look at.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    sealed class Logger(CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            logs._entries.Enqueue(new LogEntry(logLevel, formatter(state, exception), properties.ToDictionary(p => p.Key, p => p.Value)));
        }
    }
}

public sealed record LogEntry(LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Properties);
