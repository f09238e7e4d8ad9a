using FastEndpoints;
using FluentValidation.Results;
using SagaFiles.Components.StateMachines;
using SagaFiles.Intake;

namespace SagaFiles.Api.Features.Files.Upload;

/// <summary>
/// The intake's outcome as the API answers it, for every door that ends in the intake (POST /files and the completion of
/// a resumable upload): 202 with the file and its <c>Location</c>, or a problem naming the field at fault.
/// </summary>
public static class IntakeAnswers
{
    /// <summary>Where a file too large for one request goes instead.</summary>
    public const string ResumableRoute = "POST /uploads";

    public static async Task SendAsync(HttpContext http, IntakeResult result, CancellationToken ct)
    {
        ValidationFailure failure;
        switch (result)
        {
            case IntakeResult.Accepted { File: var file }:
                await AcceptedAsync(http, file, ct);
                return;
            case IntakeResult.Replayed { File: var file }:
                http.Response.Headers[IdempotencyKey.ReplayedHeader] = "true";
                await AcceptedAsync(http, file, ct);
                return;
            case IntakeResult.TooLarge { Limit: var limit }:
                await http.Response.SendErrorsAsync([new ValidationFailure("file",
                    $"The file is larger than the {limit:N0}-byte upload limit; send larger files in parts with {ResumableRoute}.")], 413, cancellation: ct);
                return;
            case IntakeResult.NameTooLong { Length: var length, Limit: var limit }:
                failure = new ValidationFailure("file", $"The file name is {length:N0} characters long; at most {limit} are allowed.");
                break;
            case IntakeResult.InvalidIdempotencyKey { Problem: var problem }:
                failure = new ValidationFailure(IdempotencyKey.Header, IdempotencyKey.Problem(problem));
                break;
            case IntakeResult.InvalidTags { Problem: var problem }:
                failure = new ValidationFailure("tags", problem);
                break;
            default:
                throw new InvalidOperationException($"The API has no answer for {result}.");
        }

        await http.Response.SendErrorsAsync([failure], 400, cancellation: ct);
    }

    static Task AcceptedAsync(HttpContext http, IntakeReceipt file, CancellationToken ct)
    {
        http.Response.Headers.Location = $"/files/{file.FileId}";
        var status = FileStates.StatusOf(FileSagaStart.RecordedState);
        return http.Response.SendAsync(new Response(file.FileId, status, file.OriginalName, file.Size, FileLinks.For(file.FileId)), 202,
            cancellation: ct);
    }
}
