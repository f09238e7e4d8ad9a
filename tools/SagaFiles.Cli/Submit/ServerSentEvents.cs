using System.Runtime.CompilerServices;
using System.Text;

namespace SagaFiles.Cli.Submit;

/// <summary>One Server-Sent Event: its id (null when the server sent none), name and data.</summary>
sealed record ServerSentEvent(string? Id, string Event, string Data);

static class ServerSentEvents
{
    /// <summary>
    /// The events of a <c>text/event-stream</c> body as they arrive (comments such as keep-alives skipped); ends with the
    /// stream. Only the fields the API sends are read: id, event and data (several data lines joined with newlines).
    /// </summary>
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        string? id = null, name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0 || name is not null)
                    yield return new ServerSentEvent(id, name ?? "message", data.ToString());
                (id, name) = (null, null);
                data.Clear();
                continue;
            }

            if (line[0] == ':')
                continue;
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
                value = value[1..];
            switch (field)
            {
                case "id":
                    id = value;
                    break;
                case "event":
                    name = value;
                    break;
                case "data":
                    if (data.Length > 0)
                        data.Append('\n');
                    data.Append(value);
                    break;
            }
        }
    }
}
