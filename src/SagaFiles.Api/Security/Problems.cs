namespace SagaFiles.Api.Security;

/// <summary>The RFC 7807 answers written outside an endpoint (authentication, authorization, rate limits).</summary>
public static class Problems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new
        {
            type = $"https://www.rfc-editor.org/rfc/rfc9110#status.{status}",
            title,
            status,
            detail,
            instance = context.Request.Path.Value
        }, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}
