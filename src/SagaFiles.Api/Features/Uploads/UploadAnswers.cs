using FastEndpoints;
using FluentValidation.Results;
using SagaFiles.Components.Data;
using SagaFiles.Intake;

namespace SagaFiles.Api.Features.Uploads;

public static class UploadAnswers
{
    /// <summary>
    /// The upload of <paramref name="tenant" /> with its parts, or null once 404 is sent (another tenant's upload is not
    /// told apart from a missing one): the one lookup every endpoint of an upload starts with.
    /// </summary>
    public static async Task<Upload?> UploadOrNotFoundAsync(this HttpContext http, ResumableUploads uploads, Guid id, string tenant, CancellationToken ct)
    {
        var upload = await uploads.FindAsync(tenant, id, ct);
        if (upload == null)
            await http.Response.SendNotFoundAsync(ct);
        return upload;
    }

    /// <summary>A refusal as a problem naming the field at fault: 400 for a request wrong as sent, 409 for one the upload's state refuses.</summary>
    public static Task SendRefusalAsync(this HttpContext http, UploadRefusal refusal, CancellationToken ct) =>
        http.Response.SendErrorsAsync([new ValidationFailure(refusal.Field, refusal.Problem)],
            refusal.Kind == UploadRefusalKind.Invalid ? 400 : 409, cancellation: ct);
}
