using FastEndpoints;
using FluentValidation.Results;
using Microsoft.Extensions.Options;
using SagaFiles.Intake;
using SagaFiles.Storage;

namespace SagaFiles.Api.Features.Files.Upload;

/// <summary>
/// POST /files: the HTTP door to <see cref="FileIntake" />. Streams the form's file part into the intake, then hands it
/// the tags (which may follow the file in the form) to record the file and publish FileUploaded, and answers 202 with
/// where to follow it. With an <c>Idempotency-Key</c> header, a key seen before answers with the first upload's file.
/// </summary>
public sealed class Endpoint(FileIntake intake, IOptions<StorageOptions> storage) : EndpointWithoutRequest<Response>
{
    /// <summary>Kestrel's own limit answers without a problem body; the intake's does, so Kestrel's sits just above it.</summary>
    const long FormOverhead = 1024 * 1024;

    public override void Configure()
    {
        Post("/files");
        Policies(ApiScopes.FilesWrite);
        AllowFileUploads(dontAutoBindFormData: true);
        MaxRequestBodySize(storage.Value.MaxUploadBytes + FormOverhead);
        Description(d => d.Accepts<IFormFile>("multipart/form-data").Produces<Response>(202).ProducesProblemDetails(400).ProducesProblemDetails(413));
        Summary(s =>
        {
            s.Summary = "Upload a file for processing";
            s.Description = "Multipart form with a 'file' part and optional 'tags' (key=value,key=value). Answers 202 with the file's id and links. "
                + "An optional Idempotency-Key header (1 to 200 printable ASCII characters) makes retries safe: a repeated key answers "
                + "with the first upload's file (header Idempotent-Replayed: true) and keeps nothing of the repeat. Over Storage:MaxUploadBytes "
                + $"(100 MiB by default): 413; send larger files in parts with {IntakeAnswers.ResumableRoute}.";
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        if (HttpContext.Request.ContentLength > storage.Value.MaxUploadBytes + FormOverhead)
        {
            await AnswerAsync(new IntakeResult.TooLarge(storage.Value.MaxUploadBytes), ct);
            return;
        }

        if (IdempotencyKey.TryRead(HttpContext.Request.Headers, out var idempotencyKey) is { } keyProblem)
        {
            AddError(new ValidationFailure(IdempotencyKey.Header, keyProblem));
            await Send.ErrorsAsync(400, ct);
            return;
        }

        IntakeRequest? stored = null;
        string? tags = null;
        await foreach (var section in FormMultipartSectionsAsync(ct))
        {
            if (section.IsFileSection && section.FileSection!.Name == "file" && stored == null)
            {
                var file = section.FileSection;
                var result = await intake.StoreAsync(new IntakeRequest
                {
                    Name = file.FileName, ContentType = file.Section.ContentType, IdempotencyKey = idempotencyKey,
                    Tenant = User.TenantOf(), UploadedBy = User.UploaderOf(),
                    Content = IntakeContent.FromStream(file.FileStream!)
                }, ct);
                if (result is not IntakeResult.Stored { Request: var request })
                {
                    await AnswerAsync(result, ct);
                    return;
                }

                stored = request;
            }
            else if (section.IsFormSection && section.FormSection!.Name == "tags")
                tags = await section.FormSection.GetValueAsync(ct);
        }

        if (stored == null)
        {
            AddError(new ValidationFailure("file", "The multipart form must contain a file part named 'file'."));
            if (IntakeTags.Parse(tags).Problem is { } tagProblem)
                AddError(new ValidationFailure("tags", tagProblem));
            await Send.ErrorsAsync(400, ct);
            return;
        }

        await AnswerAsync(await intake.SubmitAsync(stored with { Tags = IntakeTags.Parse(tags) }, ct), ct);
    }

    Task AnswerAsync(IntakeResult result, CancellationToken ct) => IntakeAnswers.SendAsync(HttpContext, result, ct);
}
