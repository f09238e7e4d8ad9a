using FastEndpoints;
using FluentValidation.Results;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;
using SagaFiles.Contracts;
using SagaFiles.Persistence.Postgres;
using SagaFiles.Processing;
using SagaFiles.Storage;

namespace SagaFiles.Api.Features.Files.Upload;

/// <summary>
/// POST /files: streams the file part to the incoming bucket (never whole in memory), then records the file as Pending
/// and publishes FileUploaded in one transaction (the bus outbox), and answers 202 with where to follow it. With an
/// <c>Idempotency-Key</c> header, a key seen before answers with the first upload's file: nothing is stored or published again.
/// </summary>
public sealed class Endpoint(SagaFilesDbContext db, IObjectStore store, IOptions<StorageOptions> storage, IPublishEndpoint publish,
    TimeProvider clock, ILogger<Endpoint> logger) : EndpointWithoutRequest<Response>
{
    /// <summary>The longest file name the record keeps as given (files.original_name).</summary>
    public const int MaxOriginalNameLength = FileState.MaxOriginalNameLength;

    public override void Configure()
    {
        Post("/files");
        AllowAnonymous();
        AllowFileUploads(dontAutoBindFormData: true);
        // Kestrel's own limit answers without a problem body; ours (below) does, so Kestrel's sits just above it.
        MaxRequestBodySize(storage.Value.MaxUploadBytes + 1024 * 1024);
        Description(d => d.Accepts<IFormFile>("multipart/form-data").Produces<Response>(202).ProducesProblemDetails(400).ProducesProblemDetails(413));
        Summary(s =>
        {
            s.Summary = "Upload a file for processing";
            s.Description = "Multipart form with a 'file' part and optional 'tags' (key=value,key=value). Answers 202 with the file's id and links. "
                + "An optional Idempotency-Key header (1 to 200 printable ASCII characters) makes retries safe: a repeated key answers "
                + "with the first upload's file (header Idempotent-Replayed: true) and keeps nothing of the repeat.";
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var limit = storage.Value.MaxUploadBytes;
        if (HttpContext.Request.ContentLength > limit + 1024 * 1024)
        {
            await TooLarge(limit, ct);
            return;
        }

        if (IdempotencyKey.TryRead(HttpContext.Request.Headers, out var idempotencyKey) is { } keyProblem)
        {
            AddError(new ValidationFailure(IdempotencyKey.Header, keyProblem));
            await Send.ErrorsAsync(400, ct);
            return;
        }

        if (idempotencyKey != null && await ReplayAsync(idempotencyKey, ct))
            return;

        var fileId = NewId.NextGuid();
        string? originalName = null, contentType = null, tagsText = null;
        long size = 0;
        string? key = null;

        await foreach (var section in FormMultipartSectionsAsync(ct))
        {
            if (section.IsFileSection && section.FileSection!.Name == "file" && key == null)
            {
                originalName = section.FileSection.FileName;
                if (originalName.Length > MaxOriginalNameLength)
                {
                    // Checked before the bytes are read: the record keeps the name as given, up to its column's length.
                    AddError(new ValidationFailure("file",
                        $"The file name is {originalName.Length:N0} characters long; at most {MaxOriginalNameLength} are allowed."));
                    await Send.ErrorsAsync(400, ct);
                    return;
                }

                contentType = string.IsNullOrWhiteSpace(section.FileSection.Section.ContentType)
                    ? "application/octet-stream"
                    : section.FileSection.Section.ContentType;
                key = $"uploads/{fileId}/{FileNames.Sanitize(originalName)}";
                await using var limited = new LimitedReadStream(section.FileSection.FileStream!, limit);
                try
                {
                    size = await store.PutAsync(storage.Value.IncomingBucket, key, limited, contentType, null, ct);
                }
                catch (Exception exception) when (exception is UploadTooLargeException || exception.InnerException is UploadTooLargeException)
                {
                    await store.DeletePrefixAsync(storage.Value.IncomingBucket, $"uploads/{fileId}/", CancellationToken.None);
                    await TooLarge(limit, ct);
                    return;
                }
            }
            else if (section.IsFormSection && section.FormSection!.Name == "tags")
                tagsText = await section.FormSection.GetValueAsync(ct);
        }

        if (key == null)
            AddError(new ValidationFailure("file", "The multipart form must contain a file part named 'file'."));
        if (UploadTags.TryParse(tagsText, out var tags) is { } tagProblem)
            AddError(new ValidationFailure("tags", tagProblem));
        if (ValidationFailed)
        {
            if (key != null)
                await store.DeletePrefixAsync(storage.Value.IncomingBucket, $"uploads/{fileId}/", CancellationToken.None);
            await Send.ErrorsAsync(400, ct);
            return;
        }

        var now = clock.GetUtcNow();
        var uploaded = new FileUploaded
        {
            FileId = fileId,
            Bucket = storage.Value.IncomingBucket,
            Key = key!,
            OriginalName = originalName!,
            ContentType = contentType!,
            Size = size,
            Tags = tags,
            UploadedAt = now
        };
        var file = new FileState { CorrelationId = fileId, CurrentState = "Pending" };
        file.Accept(uploaded, now);
        db.Files.Add(file);
        if (idempotencyKey != null)
            db.UploadKeys.Add(new UploadKey { Key = idempotencyKey, FileId = fileId, CreatedAt = now });
        // The bus outbox holds the publish until SaveChanges: the file record, its key and its message commit together.
        await publish.Publish(uploaded, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException exception) when (idempotencyKey != null && PostgresConcurrency.IsUniqueViolation(exception))
        {
            // A concurrent upload with the same key committed first: its file is the answer, this one's bytes go.
            db.ChangeTracker.Clear();
            await store.DeletePrefixAsync(storage.Value.IncomingBucket, $"uploads/{fileId}/", CancellationToken.None);
            if (await ReplayAsync(idempotencyKey, ct))
                return;
            throw;
        }

        logger.LogInformation("File {FileId} received: {OriginalName}, {Size} bytes", fileId, originalName, size);
        HttpContext.Response.Headers.Location = $"/files/{fileId}";
        await Send.ResponseAsync(new Response(fileId, FileStatus.Pending, originalName!, size, FileLinks.For(fileId)), 202, ct);
    }

    /// <summary>Answers with the file an earlier upload with this key created, as that upload was answered; false when there is none.</summary>
    async Task<bool> ReplayAsync(string idempotencyKey, CancellationToken ct)
    {
        var first = await db.UploadKeys.AsNoTracking()
            .Where(x => x.Key == idempotencyKey)
            .Join(db.Files, k => k.FileId, f => f.CorrelationId, (_, f) => new { f.CorrelationId, f.OriginalName, f.Size })
            .SingleOrDefaultAsync(ct);
        if (first == null)
            return false;

        logger.LogInformation("Upload with a known idempotency key answered with file {FileId}", first.CorrelationId);
        HttpContext.Response.Headers.Location = $"/files/{first.CorrelationId}";
        HttpContext.Response.Headers[IdempotencyKey.ReplayedHeader] = "true";
        await Send.ResponseAsync(new Response(first.CorrelationId, FileStatus.Pending, first.OriginalName, first.Size, FileLinks.For(first.CorrelationId)),
            202, ct);
        return true;
    }

    Task TooLarge(long limit, CancellationToken ct)
    {
        AddError(new ValidationFailure("file", $"The file is larger than the {limit:N0}-byte upload limit."));
        return Send.ErrorsAsync(413, ct);
    }
}
