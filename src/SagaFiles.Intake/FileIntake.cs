using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Consumers;
using SagaFiles.Components.Data;
using SagaFiles.Components.Metrics;
using SagaFiles.Components.StateMachines;
using SagaFiles.Components.Steps;
using SagaFiles.Contracts;
using SagaFiles.Persistence.Postgres;
using SagaFiles.Processing;
using SagaFiles.Storage;

namespace SagaFiles.Intake;

/// <summary>
/// The one way a file enters SagaFiles, whatever door it came through: checks its idempotency key, name, size and
/// tags, streams its bytes to the incoming bucket (never whole in memory), then records it with its saga started
/// (<see cref="FileSagaStart" />: at the download step, whose command goes in the same transaction through the bus outbox),
/// so every file recorded is processed, and only those.
/// Scoped, like the database context it writes with: one instance per request, or per file in a hosted door.
/// </summary>
public sealed class FileIntake(SagaFilesDbContext db, IObjectStore store, IOptions<StorageOptions> storage, ISendEndpointProvider sends,
    FileSagaStart sagaStart, TimeProvider clock, ILogger<FileIntake> logger)
{
    /// <summary>The longest name a file may have: the record keeps it as given (files.original_name).</summary>
    public const int MaxNameLength = FileState.MaxOriginalNameLength;

    const string DefaultContentType = "application/octet-stream";

    string IncomingBucket => storage.Value.IncomingBucket;

    long MaxBytes => storage.Value.MaxUploadBytes;

    /// <summary>Takes the file in; see <see cref="IntakeResult" /> for the outcomes.</summary>
    public async Task<IntakeResult> SubmitAsync(IntakeRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Content is IntakeContent.Unstored)
        {
            var stored = await StoreAsync(request, cancellationToken);
            if (stored is not IntakeResult.Stored { Request: var staged })
                return stored;
            request = staged;
        }
        else if (request.Content is IntakeContent.StoredObject && await RefuseAsync(request, cancellationToken) is { } refused)
            return refused;

        if (request.Tags.Problem is { } tagProblem)
        {
            await DiscardAsync(request);
            return new IntakeResult.InvalidTags(tagProblem);
        }

        return request.Content switch
        {
            IntakeContent.Staged staged => await RecordAsync(request, staged.FileId, staged.Location, staged.Size, cancellationToken),
            IntakeContent.StoredObject stored => await RecordStoredObjectAsync(request, stored.Location, cancellationToken),
            _ => throw new ArgumentException($"Content {request.Content.GetType().Name} cannot be recorded.", nameof(request))
        };
    }

    /// <summary>
    /// The first half of <see cref="SubmitAsync" /> for a door whose metadata arrives after the bytes (a multipart form
    /// may send its tags after the file): checks the key, the name and the size and stores the stream. Submit the
    /// <see cref="IntakeResult.Stored" /> request it answers, with the tags, to finish; until then the bytes are kept
    /// under the file's own id and nothing is recorded.
    /// </summary>
    public async Task<IntakeResult> StoreAsync(IntakeRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Content is not IntakeContent.Unstored unstored)
            throw new ArgumentException("Only a stream is stored; an object already in storage is submitted as it is.", nameof(request));
        if (await RefuseAsync(request, cancellationToken) is { } refused)
            return refused;

        // Random (122 bits), not time-ordered: one file's id says nothing about another's.
        var fileId = Guid.NewGuid();
        var key = FileKeys.Upload(request.Tenant, fileId, FileNames.Sanitize(request.Name));
        var limit = unstored.FromRequest ? MaxBytes : storage.Value.MaxFileBytes;
        await using var limited = new LimitedReadStream(unstored.Stream, limit);
        try
        {
            var size = await store.PutAsync(IncomingBucket, key, limited, ContentTypeOf(request), null, cancellationToken);
            return new IntakeResult.Stored(request with { Content = new IntakeContent.Staged(fileId, new ObjectLocation(IncomingBucket, key), size) });
        }
        catch (Exception exception) when (exception is UploadTooLargeException || exception.InnerException is UploadTooLargeException)
        {
            await store.DeletePrefixAsync(IncomingBucket, FileKeys.UploadPrefix(request.Tenant, fileId), CancellationToken.None);
            return new IntakeResult.TooLarge(limit);
        }
    }

    /// <summary>What is checked before any byte is read: the key's shape, whether it was seen before, the name's length.</summary>
    async Task<IntakeResult?> RefuseAsync(IntakeRequest request, CancellationToken cancellationToken)
    {
        if (request.IdempotencyKey is { } key)
        {
            if (IdempotencyKeys.Problem(key) is { } keyProblem)
                return new IntakeResult.InvalidIdempotencyKey(keyProblem);
            if (await FindReplayAsync(request.Tenant, key, cancellationToken) is { } replayed)
                return replayed;
        }

        return request.Name.Length > MaxNameLength ? new IntakeResult.NameTooLong(request.Name.Length, MaxNameLength) : null;
    }

    async Task<IntakeResult> RecordStoredObjectAsync(IntakeRequest request, ObjectLocation location, CancellationToken cancellationToken)
    {
        var stored = await store.HeadAsync(location.Bucket, location.Key, cancellationToken);
        if (stored == null)
            return new IntakeResult.ContentMissing(location);
        // Already stored, so not limited like a plain upload's stream: only the largest file taken in at all.
        if (stored.Size > storage.Value.MaxFileBytes)
            return new IntakeResult.TooLarge(storage.Value.MaxFileBytes);
        return await RecordAsync(request with { ContentType = request.ContentType ?? stored.ContentType }, Guid.NewGuid(), location,
            stored.Size, cancellationToken);
    }

    /// <summary>The file's record with its saga started, its idempotency key and the download's command, committed together.</summary>
    async Task<IntakeResult> RecordAsync(IntakeRequest request, Guid fileId, ObjectLocation location, long size, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var uploaded = new FileUploaded
        {
            FileId = fileId,
            Tenant = request.Tenant,
            UploadedBy = request.UploadedBy,
            Bucket = location.Bucket,
            Key = location.Key,
            OriginalName = request.Name,
            ContentType = ContentTypeOf(request),
            Size = size,
            Tags = request.Tags.Values,
            UploadedAt = now
        };
        // The bus outbox holds the download's command until SaveChanges: the file record, its key and the command commit together.
        var file = await sagaStart.StartAsync(uploaded, now, sends, cancellationToken);
        db.Files.Add(file);
        if (request.IdempotencyKey is { } key)
            db.UploadKeys.Add(new UploadKey { Tenant = request.Tenant, Key = key, FileId = fileId, CreatedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (request.IdempotencyKey != null && PostgresConcurrency.IsUniqueViolation(exception))
        {
            // A concurrent submission with the same key committed first: its file is the answer, this one's bytes go.
            db.ChangeTracker.Clear();
            await DiscardAsync(request);
            if (await FindReplayAsync(request.Tenant, request.IdempotencyKey, cancellationToken) is { } replayed)
                return replayed;
            throw;
        }

        logger.LogInformation("File {FileId} received: {OriginalName}, {Size} bytes", fileId, request.Name, size);
        FileMetrics.Uploaded(request.Tenant, size);
        return new IntakeResult.Accepted(new IntakeReceipt(fileId, request.Name, size));
    }

    /// <summary>The file an earlier submission of the tenant with this key created; null when there is none.</summary>
    async Task<IntakeResult.Replayed?> FindReplayAsync(string tenant, string idempotencyKey, CancellationToken cancellationToken)
    {
        var first = await db.UploadKeys.AsNoTracking()
            .Where(x => x.Tenant == tenant && x.Key == idempotencyKey)
            .Join(db.Files, k => k.FileId, f => f.CorrelationId, (_, f) => new IntakeReceipt(f.CorrelationId, f.OriginalName, f.Size))
            .SingleOrDefaultAsync(cancellationToken);
        if (first == null)
            return null;
        logger.LogInformation("Submission with a known idempotency key answered with file {FileId}", first.FileId);
        return new IntakeResult.Replayed(first);
    }

    /// <summary>Deletes what the intake stored for a file it did not accept; an object that was already in storage stays.</summary>
    async Task DiscardAsync(IntakeRequest request)
    {
        if (request.Content is IntakeContent.Staged staged)
            await store.DeletePrefixAsync(staged.Location.Bucket, FileKeys.UploadPrefix(request.Tenant, staged.FileId), CancellationToken.None);
    }

    static string ContentTypeOf(IntakeRequest request) =>
        string.IsNullOrWhiteSpace(request.ContentType) ? DefaultContentType : request.ContentType;
}
