using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace SagaFiles.Api.Tests;

/// <summary>Every log event of the in-process API, as the JSON line it would be written as (message and every property).</summary>
public sealed class CapturedLogEvents : ILogEventSink
{
    readonly ConcurrentQueue<string> _lines = new();
    readonly RenderedCompactJsonFormatter _formatter = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public void Emit(LogEvent logEvent)
    {
        var line = new StringWriter();
        _formatter.Format(logEvent, line);
        _lines.Enqueue(line.ToString());
    }
}
