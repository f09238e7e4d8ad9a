using System.Buffers;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Consumers;
using SagaFiles.Components.Data;
using SagaFiles.Persistence.Postgres;
using SagaFiles.Processing;
using SagaFiles.Storage;

namespace SagaFiles.Intake;

/// <summary>
/// Large files sent in parts (S3 multipart upload behind the API): started with the file's name, size and tags, taken
/// part by part in any order (each checked against the size it must have, hashed as it passes), and completed into the
/// same <see cref="FileIntake" /> every door uses. The parts received are recorded in Postgres, so a client resumes from
/// what <see cref="FindAsync" /> lists. Scoped: it shares the request's database context with the intake, so an upload's
/// completion commits with its file record.
/// </summary>
public sealed class ResumableUploads(SagaFilesDbContext db, IMultipartStore multipart, IObjectStore store, FileIntake intake,
    IOptions<StorageOptions> storage, IOptions<UploadOptions> options, TimeProvider clock, ILogger<ResumableUploads> logger)
{
    /// <summary>A completion that has not finished in this time is taken to have died with its process and may be tried again.</summary>
    static readonly TimeSpan CompletionTimeout = TimeSpan.FromMinutes(10);

    const int MissingPartsNamed = 20;

    public async Task<UploadResult<UploadStarted>> StartAsync(UploadStart request, CancellationToken cancellationToken = default)
    {
        if (request.IdempotencyKey is { } idempotencyKey)
        {
            if (IdempotencyKeys.Problem(idempotencyKey) is { } keyProblem)
                return UploadRefusal.Invalid("Idempotency-Key", $"The key {keyProblem}.");
            if (await FindByKeyAsync(request.Tenant, idempotencyKey, cancellationToken) is { } first)
                return new UploadStarted(first, Replayed: true);
        }

        if (Problem(request) is { } refusal)
            return refusal;

        var now = clock.GetUtcNow();
        var fileId = Guid.NewGuid();
        var key = FileKeys.Upload(request.Tenant, fileId, FileNames.Sanitize(request.Name));
        var contentType = string.IsNullOrWhiteSpace(request.ContentType) ? "application/octet-stream" : request.ContentType;
        var upload = new Upload
        {
            Id = Guid.NewGuid(), Tenant = request.Tenant, UploadedBy = request.UploadedBy, Name = request.Name, ContentType = request.ContentType,
            Size = request.Size, PartSize = PartSizeFor(request.Size), Tags = new Dictionary<string, string>(request.Tags.Values),
            IdempotencyKey = request.IdempotencyKey, FileId = fileId, Bucket = storage.Value.IncomingBucket, Key = key,
            StorageUploadId = await multipart.StartAsync(storage.Value.IncomingBucket, key, contentType, cancellationToken),
            Status = UploadStatus.Open, CreatedAt = now, UpdatedAt = now, ExpiresAt = now + options.Value.ExpireAfter
        };
        db.Uploads.Add(upload);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (request.IdempotencyKey != null && PostgresConcurrency.IsUniqueViolation(exception))
        {
            // A concurrent start with the same key committed first: its upload is the answer.
            db.ChangeTracker.Clear();
            await multipart.AbortAsync(upload.Bucket, upload.Key, upload.StorageUploadId, CancellationToken.None);
            if (await FindByKeyAsync(request.Tenant, request.IdempotencyKey, cancellationToken) is { } first)
                return new UploadStarted(first, Replayed: true);
            throw;
        }

        logger.LogInformation("Upload {UploadId} started for file {FileId}: {Name}, {Size} bytes in {PartCount} parts",
            upload.Id, fileId, upload.Name, upload.Size, upload.PartCount);
        return new UploadStarted(upload, Replayed: false);
    }

    /// <summary>The tenant's upload with the parts received; null when the tenant has no such upload.</summary>
    public Task<Upload?> FindAsync(string tenant, Guid id, CancellationToken cancellationToken = default) =>
        db.Uploads.AsNoTracking().Include(u => u.Parts.OrderBy(p => p.Number))
            .SingleOrDefaultAsync(u => u.Id == id && u.Tenant == tenant, cancellationToken);

    /// <summary>
    /// Stores part <paramref name="number" /> from <paramref name="content" />, which must hold exactly the part's size.
    /// The part is held in memory once (at most the part size) so that a wrong size or checksum is refused before storage
    /// keeps anything. <paramref name="sha256" />, when sent, must match the bytes.
    /// </summary>
    public async Task<UploadResult<UploadPart>> PutPartAsync(Upload upload, int number, Stream content, long? contentLength, byte[]? sha256,
        CancellationToken cancellationToken = default)
    {
        if (PartProblem(upload, number) is { } problem)
            return problem;
        var expected = upload.ExpectedPartSize(number);
        if (contentLength is { } length && length != expected)
            return WrongSize(upload, number, length.ToString("N0"));

        var buffer = ArrayPool<byte>.Shared.Rent((int)expected);
        try
        {
            var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, (int)expected), (int)expected, throwOnEndOfStream: false, cancellationToken);
            // One byte more tells a part that is too long without reading the rest of it.
            if (read == expected && await content.ReadAsync(new byte[1], cancellationToken) > 0)
                return WrongSize(upload, number, $"more than {expected:N0}");
            if (read != expected)
                return WrongSize(upload, number, read.ToString("N0"));
            var hash = SHA256.HashData(buffer.AsSpan(0, read));
            if (sha256 != null && !hash.AsSpan().SequenceEqual(sha256))
                return UploadRefusal.Invalid("Content-Digest",
                    $"Part {number}'s SHA-256 is {Convert.ToHexStringLower(hash)}, not the {Convert.ToHexStringLower(sha256)} sent: the part was not kept.");

            string etag;
            try
            {
                using var part = new MemoryStream(buffer, 0, read, writable: false);
                etag = await multipart.PutPartAsync(upload.Bucket, upload.Key, upload.StorageUploadId, number, part, read, cancellationToken);
            }
            catch (MultipartUploadNotFoundException)
            {
                return UploadRefusal.Conflict("id", "The upload no longer exists in storage (it was completed or aborted).");
            }

            return await RecordPartAsync(upload, number, read, etag, Convert.ToHexStringLower(hash), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A link to send part <paramref name="number" /> straight to storage; its ETag and size are then listed at completion.</summary>
    public async Task<UploadResult<PartUploadUrl>> GetPartUrlAsync(Upload upload, int number, CancellationToken cancellationToken = default)
    {
        if (PartProblem(upload, number) is { } problem)
            return problem;
        var lifetime = storage.Value.PresignedUrlLifetime;
        await TouchAsync(upload.Id, cancellationToken);
        return new PartUploadUrl(multipart.GetPartUploadUrl(upload.Bucket, upload.Key, upload.StorageUploadId, number, lifetime), number,
            upload.ExpectedPartSize(number), clock.GetUtcNow() + lifetime);
    }

    /// <summary>
    /// Checks that every part is there with its size (and, for each of <paramref name="claims" /> that sends one, its
    /// SHA-256), assembles the object and hands it to the intake: the same outcomes as any door, and a second completion
    /// answers as a replay of the first. <paramref name="claims" /> with an ETag record parts sent straight to storage.
    /// </summary>
    public async Task<UploadResult<IntakeResult>> CompleteAsync(Guid id, string tenant, IReadOnlyList<PartClaim> claims,
        CancellationToken cancellationToken = default)
    {
        var upload = await FindAsync(tenant, id, cancellationToken) ?? throw new InvalidOperationException($"Upload {id} of {tenant} is gone.");
        if (upload.Status == UploadStatus.Completed)
            return await ReplayAsync(upload, cancellationToken);
        if (upload.Status is not (UploadStatus.Open or UploadStatus.Completing))
            return NotOpen(upload);

        if (await ClaimsProblemAsync(upload, claims, cancellationToken) is { } claimProblem)
            return claimProblem;
        upload = (await FindAsync(tenant, id, cancellationToken))!;
        var received = upload.Parts.Select(p => p.Number).ToHashSet();
        var missing = Enumerable.Range(1, upload.PartCount).Where(n => !received.Contains(n)).ToList();
        if (missing.Count > 0)
            return UploadRefusal.Conflict("parts", $"Part{(missing.Count == 1 ? "" : "s")} {Numbers(missing)} of {upload.PartCount} "
                + $"{(missing.Count == 1 ? "is" : "are")} missing: send {(missing.Count == 1 ? "it" : "them")}, then complete again.");

        var now = clock.GetUtcNow();
        var stale = now - CompletionTimeout;
        var claimed = await db.Uploads.Where(u => u.Id == id && (u.Status == UploadStatus.Open || (u.Status == UploadStatus.Completing && u.UpdatedAt < stale)))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UploadStatus.Completing).SetProperty(u => u.UpdatedAt, now), cancellationToken);
        if (claimed == 0)
        {
            upload = (await FindAsync(tenant, id, cancellationToken))!;
            return upload.Status == UploadStatus.Completed ? await ReplayAsync(upload, cancellationToken)
                : upload.Status == UploadStatus.Completing ? UploadRefusal.Conflict("id", "The upload is being completed by another request; ask again shortly.")
                : NotOpen(upload);
        }

        var location = new ObjectLocation(upload.Bucket, upload.Key);
        try
        {
            await multipart.CompleteAsync(upload.Bucket, upload.Key, upload.StorageUploadId, upload.Parts.Select(p => (p.Number, p.ETag)).ToList(),
                cancellationToken);
        }
        catch (MultipartUploadNotFoundException)
        {
            // An earlier completion may have assembled it and died before recording the file: the object tells.
            if ((await store.HeadAsync(upload.Bucket, upload.Key, cancellationToken))?.Size != upload.Size)
            {
                await SetStatusAsync(id, UploadStatus.Aborted, cancellationToken);
                return UploadRefusal.Conflict("id", "The upload no longer exists in storage (it was aborted): start a new one.");
            }
        }
        catch (MultipartPartsRejectedException rejected)
        {
            await SetStatusAsync(id, UploadStatus.Open, cancellationToken);
            return UploadRefusal.Conflict("parts", $"Storage refused to assemble the parts ({rejected.Code}): {rejected.Message} "
                + "Send again the parts sent straight to storage, or list their ETags as storage returned them.");
        }

        var stored = await store.HeadAsync(upload.Bucket, upload.Key, cancellationToken);
        if (stored?.Size != upload.Size)
        {
            // Only parts sent straight to storage can be of a size the API did not check; the assembled object cannot be reopened.
            await store.DeletePrefixAsync(upload.Bucket, FileKeys.UploadPrefix(upload.Tenant, upload.FileId), CancellationToken.None);
            await SetStatusAsync(id, UploadStatus.Aborted, cancellationToken);
            return UploadRefusal.Conflict("size", $"The parts add up to {stored?.Size ?? 0:N0} bytes, not the {upload.Size:N0} declared: "
                + "the upload is aborted; start a new one.");
        }

        // The upload's status commits with the file record, its key and its download's command (the intake saves this context).
        var tracked = await db.Uploads.SingleAsync(u => u.Id == id, cancellationToken);
        tracked.Status = UploadStatus.Completed;
        tracked.UpdatedAt = clock.GetUtcNow();
        var result = await intake.SubmitAsync(new IntakeRequest
        {
            Name = upload.Name, ContentType = upload.ContentType, Tags = IntakeTags.From(upload.Tags), IdempotencyKey = upload.IdempotencyKey,
            Tenant = upload.Tenant, UploadedBy = upload.UploadedBy, Content = new IntakeContent.Staged(upload.FileId, location, upload.Size)
        }, cancellationToken);
        switch (result)
        {
            case IntakeResult.Accepted:
                break;
            case IntakeResult.Replayed { File: var first }:
                // The key made another file first (a POST /files with it): that file is this upload's answer, its object is deleted.
                await db.Uploads.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UploadStatus.Completed)
                    .SetProperty(u => u.FileId, first.FileId).SetProperty(u => u.UpdatedAt, clock.GetUtcNow()), cancellationToken);
                break;
            default:
                db.ChangeTracker.Clear();
                await SetStatusAsync(id, UploadStatus.Aborted, cancellationToken);
                break;
        }

        logger.LogInformation("Upload {UploadId} completed: {Result}", id, result.GetType().Name);
        return result;
    }

    /// <summary>Aborts an open upload and drops its parts; aborting again changes nothing. A completed upload stays.</summary>
    public async Task<UploadRefusal?> AbortAsync(Upload upload, CancellationToken cancellationToken = default)
    {
        if (upload.Status == UploadStatus.Completed)
            return UploadRefusal.Conflict("id", $"The upload is already completed as file {upload.FileId}.");
        if (upload.Status is UploadStatus.Aborted or UploadStatus.Expired)
            return null;
        var now = clock.GetUtcNow();
        var stale = now - CompletionTimeout;
        var claimed = await db.Uploads.Where(u => u.Id == upload.Id && (u.Status == UploadStatus.Open || (u.Status == UploadStatus.Completing && u.UpdatedAt < stale)))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UploadStatus.Aborted).SetProperty(u => u.UpdatedAt, now), cancellationToken);
        if (claimed == 0)
            return UploadRefusal.Conflict("id", "The upload is being completed; it can no longer be aborted.");
        await DropAsync(upload, cancellationToken);
        logger.LogInformation("Upload {UploadId} aborted", upload.Id);
        return null;
    }

    /// <summary>Aborts the uploads whose time ran out (at most <paramref name="batch" />); returns how many.</summary>
    public async Task<int> ExpireAsync(int batch = 100, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var due = await db.Uploads.AsNoTracking()
            .Where(u => (u.Status == UploadStatus.Open || u.Status == UploadStatus.Completing) && u.ExpiresAt < now)
            .OrderBy(u => u.ExpiresAt).Take(batch).ToListAsync(cancellationToken);
        var expired = 0;
        foreach (var upload in due)
        {
            // Several API instances scan at once: the one whose update changes the row aborts it.
            var claimed = await db.Uploads.Where(u => u.Id == upload.Id && u.Status == upload.Status && u.ExpiresAt < now)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UploadStatus.Expired).SetProperty(u => u.UpdatedAt, now), cancellationToken);
            if (claimed == 0)
                continue;
            await DropAsync(upload, cancellationToken);
            expired++;
            logger.LogInformation("Upload {UploadId} expired after {ExpireAfter} without a part or a completion: aborted",
                upload.Id, options.Value.ExpireAfter);
        }

        return expired;
    }

    /// <summary>The storage upload and whatever a dead completion may have assembled; neither may exist any more.</summary>
    async Task DropAsync(Upload upload, CancellationToken cancellationToken)
    {
        await multipart.AbortAsync(upload.Bucket, upload.Key, upload.StorageUploadId, cancellationToken);
        if (upload.Status == UploadStatus.Completing)
            await store.DeletePrefixAsync(upload.Bucket, FileKeys.UploadPrefix(upload.Tenant, upload.FileId), cancellationToken);
    }

    UploadRefusal? Problem(UploadStart request)
    {
        var limit = storage.Value.MaxFileBytes;
        if (request.Name.Length == 0)
            return UploadRefusal.Invalid("name", "A name is required.");
        if (request.Name.Length > FileIntake.MaxNameLength)
            return UploadRefusal.Invalid("name", $"The file name is {request.Name.Length:N0} characters long; at most {FileIntake.MaxNameLength} are allowed.");
        if (request.Size < 1)
            return UploadRefusal.Invalid("size", "The size must be at least 1 byte.");
        if (request.Size > limit)
            return UploadRefusal.Invalid("size", $"The file is larger than the {limit:N0}-byte limit of a resumable upload (Storage:MaxFileBytes).");
        if (request.ContentType?.Length > Upload.MaxContentTypeLength)
            return UploadRefusal.Invalid("contentType", $"The content type is longer than {Upload.MaxContentTypeLength} characters.");
        return request.Tags.Problem is { } tagProblem ? UploadRefusal.Invalid("tags", tagProblem) : null;
    }

    long PartSizeFor(long size) => Math.Max(options.Value.PartSize, (size + IMultipartStore.MaxParts - 1) / IMultipartStore.MaxParts);

    static UploadRefusal? PartProblem(Upload upload, int number) =>
        upload.Status != UploadStatus.Open ? NotOpen(upload)
        : number < 1 || number > upload.PartCount
            ? UploadRefusal.Invalid("n", $"Part {number} is out of range: this upload has part{(upload.PartCount == 1 ? " 1" : $"s 1 to {upload.PartCount}")}.")
            : null;

    static UploadRefusal NotOpen(Upload upload) =>
        UploadRefusal.Conflict("id", upload.Status == UploadStatus.Completed
            ? $"The upload is already completed as file {upload.FileId}."
            : $"The upload is {upload.Status}: it takes no more parts; start a new one.");

    static UploadRefusal WrongSize(Upload upload, int number, string sent) =>
        UploadRefusal.Invalid("n", $"Part {number} must be {upload.ExpectedPartSize(number):N0} bytes"
            + (number < upload.PartCount ? " (the part size)" : upload.PartCount > 1 ? " (the rest of the file, as the last part)" : " (the whole file)")
            + $"; {sent} were sent.");

    /// <summary>Checks the claims about recorded parts and records the parts a claim says were sent straight to storage.</summary>
    async Task<UploadRefusal?> ClaimsProblemAsync(Upload upload, IReadOnlyList<PartClaim> claims, CancellationToken cancellationToken)
    {
        var recorded = upload.Parts.ToDictionary(p => p.Number);
        foreach (var claim in claims)
        {
            if (PartProblem(upload, claim.Number) is { } problem)
                return problem with { Field = "parts" };
            var expected = upload.ExpectedPartSize(claim.Number);
            if (claim.ETag is { } etag)
            {
                if (claim.Size != expected)
                    return UploadRefusal.Invalid("parts", $"Part {claim.Number} must be {expected:N0} bytes; {claim.Size?.ToString("N0") ?? "no size"} was listed.");
                await RecordPartAsync(upload, claim.Number, expected, etag.Trim('"'), claim.Sha256?.ToLowerInvariant(), cancellationToken);
                continue;
            }

            if (!recorded.TryGetValue(claim.Number, out var part))
                continue; // reported as missing with the others
            if (claim.Size is { } size && size != part.Size)
                return UploadRefusal.Conflict("parts", $"Part {claim.Number} was received with {part.Size:N0} bytes, not {size:N0}.");
            if (claim.Sha256 is { } sha256 && part.Sha256 != null && !string.Equals(sha256, part.Sha256, StringComparison.OrdinalIgnoreCase))
                return UploadRefusal.Conflict("parts", $"Part {claim.Number} was received with SHA-256 {part.Sha256}, not {sha256.ToLowerInvariant()}: send it again.");
        }

        return null;
    }

    async Task<UploadPart> RecordPartAsync(Upload upload, int number, long size, string etag, string? sha256, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO upload_parts (upload_id, number, size, etag, sha256, received_at) VALUES ({upload.Id}, {number}, {size}, {etag}, {sha256}, {now})
            ON CONFLICT (upload_id, number) DO UPDATE SET size = excluded.size, etag = excluded.etag, sha256 = excluded.sha256, received_at = excluded.received_at
            """, cancellationToken);
        await TouchAsync(upload.Id, cancellationToken);
        return new UploadPart { UploadId = upload.Id, Number = number, Size = size, ETag = etag, Sha256 = sha256, ReceivedAt = now };
    }

    /// <summary>Activity keeps an upload from expiring.</summary>
    Task TouchAsync(Guid id, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var expiresAt = now + options.Value.ExpireAfter;
        return db.Uploads.Where(u => u.Id == id && u.Status == UploadStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.UpdatedAt, now).SetProperty(u => u.ExpiresAt, expiresAt), cancellationToken);
    }

    Task SetStatusAsync(Guid id, UploadStatus status, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return db.Uploads.Where(u => u.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, status).SetProperty(u => u.UpdatedAt, now), cancellationToken);
    }

    async Task<UploadResult<IntakeResult>> ReplayAsync(Upload upload, CancellationToken cancellationToken)
    {
        var file = await db.Files.AsNoTracking().Where(f => f.CorrelationId == upload.FileId)
            .Select(f => new IntakeReceipt(f.CorrelationId, f.OriginalName, f.Size)).SingleAsync(cancellationToken);
        return new IntakeResult.Replayed(file);
    }

    Task<Upload?> FindByKeyAsync(string tenant, string idempotencyKey, CancellationToken cancellationToken) =>
        db.Uploads.AsNoTracking().Include(u => u.Parts.OrderBy(p => p.Number))
            .SingleOrDefaultAsync(u => u.Tenant == tenant && u.IdempotencyKey == idempotencyKey, cancellationToken);

    static string Numbers(List<int> numbers) =>
        string.Join(", ", numbers.Take(MissingPartsNamed)) + (numbers.Count > MissingPartsNamed ? $" and {numbers.Count - MissingPartsNamed} more" : "");
}
