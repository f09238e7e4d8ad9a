using System.Security.Claims;
using Serilog;
using Serilog.Context;
using Serilog.Events;

namespace SagaFiles.Api.Security;

/// <summary>
/// Who made each request, in the logs: one line per request with the key's id, prefix and tenant, and the same properties on
/// every line logged while it runs. The secret itself is never logged (it is only in a header, which is not logged).
/// </summary>
public static class RequestAudit
{
    /// <summary>Before authentication: the request line is written when the response is, by then the caller is known.</summary>
    public static IApplicationBuilder UseRequestAudit(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(o =>
        {
            o.GetLevel = (context, _, exception) =>
                exception != null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
                : context.Request.Path.StartsWithSegments("/health") ? LogEventLevel.Verbose
                : LogEventLevel.Information;
            o.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                foreach (var (name, value) in Caller(context.User))
                    diagnostics.Set(name, value);
            };
        });

    /// <summary>After authentication: every line logged during the request carries the caller.</summary>
    public static IApplicationBuilder UseCallerLogContext(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var pushed = Caller(context.User).Select(p => LogContext.PushProperty(p.Name, p.Value)).ToList();
            try
            {
                await next(context);
            }
            finally
            {
                foreach (var property in pushed)
                    property.Dispose();
            }
        });

    static IEnumerable<(string Name, string Value)> Caller(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
            yield break;
        if (user.FindFirstValue(CallerClaims.KeyId) is { } keyId)
            yield return ("KeyId", keyId);
        if (user.FindFirstValue(CallerClaims.KeyPrefix) is { } prefix)
            yield return ("KeyPrefix", prefix);
        yield return ("Tenant", user.TenantOf());
    }
}
