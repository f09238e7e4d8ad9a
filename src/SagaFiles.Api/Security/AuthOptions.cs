namespace SagaFiles.Api.Security;

/// <summary>Who may call the API besides API keys, and what is open to anyone (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Whether <c>/docs</c> and the OpenAPI document answer without credentials; unset: only in Development.</summary>
    public bool? AnonymousDocs { get; set; }

    /// <summary>
    /// Whether <c>GET /metrics</c> answers a caller connected from the loopback address without credentials (a Prometheus
    /// or agent on the same host). Turn it off when a proxy on the same host forwards outside requests: they arrive from
    /// loopback too.
    /// </summary>
    public bool AnonymousMetricsFromLoopback { get; set; } = true;

    public JwtOptions Jwt { get; set; } = new();

    public sealed class JwtOptions
    {
        /// <summary>The OpenID Connect issuer; tokens are accepted only when it and <see cref="Audience" /> are set.</summary>
        public string? Authority { get; set; }

        public string? Audience { get; set; }

        /// <summary>The claim that names the caller's tenant.</summary>
        public string TenantClaim { get; set; } = "tenant";

        /// <summary>The claim that lists the caller's scopes (space-separated, or one claim per scope).</summary>
        public string ScopeClaim { get; set; } = "scope";

        /// <summary>The claim recorded as the uploader of the caller's files (<c>uploadedBy</c>).</summary>
        public string UploaderClaim { get; set; } = "sub";

        public bool Enabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(Audience);
    }
}
