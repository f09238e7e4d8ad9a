using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace SagaFiles.Api.Security;

/// <summary>
/// <c>GET /metrics</c> needs the <c>admin</c> scope, except from a caller connected from the loopback address (a
/// Prometheus or agent on the same host), which needs no credentials while <see cref="AuthOptions.AnonymousMetricsFromLoopback" />
/// holds. A remote caller without credentials gets 401, a key without <c>admin</c> 403, as everywhere else.
/// </summary>
public sealed class LoopbackScrapes(IOptionsMonitor<AuthOptions> options) : IAuthorizationHandler
{
    /// <summary>Endpoint metadata: the endpoint's policy is met by any loopback caller.</summary>
    public static readonly object Allowed = new LoopbackAllowed();

    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        if (options.CurrentValue.AnonymousMetricsFromLoopback && context.Resource is HttpContext http
            && http.GetEndpoint()?.Metadata.GetMetadata<LoopbackAllowed>() != null
            && http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote))
            foreach (var requirement in context.PendingRequirements.ToList())
                context.Succeed(requirement);
        return Task.CompletedTask;
    }

    sealed class LoopbackAllowed;
}
