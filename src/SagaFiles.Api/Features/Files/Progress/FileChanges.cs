using System.Collections.Concurrent;
using System.Threading.Channels;
using Npgsql;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Features.Files.Progress;

/// <summary>
/// One LISTEN connection per API instance on the <c>file_changes</c> channel (<see cref="FileEventSequencer" />, as it
/// gives the files' new events their positions), fanned out in memory to the progress streams that watch the file. A notification
/// only says "changed": a file's stream re-reads the file, a tenant's reads the events after its position. After (re)connecting every stream is told to re-read, since changes made
/// while no connection listened were not announced to this instance.
/// </summary>
public sealed class FileChanges(IConfiguration configuration, ILogger<FileChanges> logger) : BackgroundService
{
    public const string Channel = FileEventSequencer.Channel;

    static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(2);

    readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();

    /// <summary>Watches the changes of <paramref name="tenant" />'s file <paramref name="fileId" /> (null: all its files); dispose to stop.</summary>
    public Subscription Subscribe(string tenant, Guid? fileId)
    {
        var subscription = new Subscription(this, tenant, fileId);
        _subscriptions[subscription] = 0;
        return subscription;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Listening for file changes failed; reconnecting in {Delay}", ReconnectDelay);
                await Task.Delay(ReconnectDelay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    async Task ListenAsync(CancellationToken ct)
    {
        // Its own connection, out of the pool: it stays in LISTEN for the life of the instance. Keepalives find a dead
        // server while it waits.
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(DatabaseRegistration.ConnectionStringName))
        {
            Pooling = false,
            KeepAlive = 30
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Notification += (_, e) => Notify(e.Payload);
        await connection.OpenAsync(ct);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
            await listen.ExecuteNonQueryAsync(ct);
        logger.LogInformation("Listening for file changes on {Channel}", Channel);
        foreach (var subscription in _subscriptions.Keys)
            subscription.Changed();
        while (true)
            await connection.WaitAsync(ct);
    }

    /// <summary>The payload is <c>tenant:file-id</c> (a file id has no colon).</summary>
    void Notify(string payload)
    {
        var colon = payload.LastIndexOf(':');
        if (colon < 0 || !Guid.TryParse(payload.AsSpan(colon + 1), out var fileId))
            return;
        var tenant = payload[..colon];
        foreach (var subscription in _subscriptions.Keys)
            if (subscription.Tenant == tenant && (subscription.FileId == null || subscription.FileId == fileId))
                subscription.Changed(fileId);
    }

    /// <summary>A stream's interest in one file or a tenant's: <see cref="WaitAsync" /> returns once one changed since the last wait.</summary>
    public sealed class Subscription(FileChanges changes, string tenant, Guid? fileId) : IDisposable
    {
        // One pending signal at most: changes made while the stream writes collapse into one re-read.
        readonly Channel<bool> _signal = System.Threading.Channels.Channel.CreateBounded<bool>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

        Task<bool>? _pending;

        public string Tenant { get; } = tenant;

        readonly HashSet<Guid> _changed = [];

        public Guid? FileId { get; } = fileId;

        /// <summary>Without a file: after a reconnect, when which files changed is not known.</summary>
        internal void Changed(Guid? file = null)
        {
            if (file is { } id)
                lock (_changed)
                    _changed.Add(id);
            _signal.Writer.TryWrite(true);
        }

        /// <summary>The files announced as changed since the last call.</summary>
        public IReadOnlyList<Guid> TakeChanged()
        {
            lock (_changed)
            {
                var changed = _changed.ToList();
                _changed.Clear();
                return changed;
            }
        }

        /// <summary>True once the file changed; false when <paramref name="timeout" /> passed first.</summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
        {
            _pending ??= _signal.Reader.WaitToReadAsync(ct).AsTask();
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var elapsed = Task.Delay(timeout, timer.Token);
            var first = await Task.WhenAny(_pending, elapsed);
            await timer.CancelAsync();
            if (first != _pending)
            {
                ct.ThrowIfCancellationRequested();
                return false;
            }

            await _pending;
            _pending = null;
            _signal.Reader.TryRead(out _);
            return true;
        }

        public void Dispose() => changes._subscriptions.TryRemove(this, out _);
    }
}
