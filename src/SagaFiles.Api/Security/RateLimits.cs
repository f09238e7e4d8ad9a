using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace SagaFiles.Api.Security;

/// <summary>
/// Limits per caller (API key, or token subject): a token bucket for all requests, a smaller one for uploads and a cap on
/// uploads in progress (a plain upload or a resumable upload's part: each holds a buffer). Over a limit: 429 with <c>Retry-After</c>. Requests without credentials are refused before they cost
/// anything, so they are not limited here.
/// </summary>
public static class RateLimits
{
    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, limits) =>
        {
            var settings = limits.Value;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => Caller(context) is { } caller
                    ? RateLimitPartition.GetTokenBucketLimiter(caller, _ => Bucket(settings.RequestBurst, settings.RequestsPerSecond, TimeSpan.FromSeconds(1)))
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context => IsUpload(context) && Caller(context) is { } caller
                    ? RateLimitPartition.GetTokenBucketLimiter(caller, _ => Bucket(settings.UploadBurst, settings.UploadsPerMinute, TimeSpan.FromMinutes(1)))
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context => (IsUpload(context) || IsPart(context)) && Caller(context) is { } caller
                    ? RateLimitPartition.GetConcurrencyLimiter(caller,
                        _ => new ConcurrencyLimiterOptions { PermitLimit = settings.ConcurrentUploads, QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter("")));
            o.OnRejected = (rejected, _) =>
            {
                // A concurrency limit has no time to tell: one second is when to look again. A token bucket's time is when
                // its replenishment timer is due; one more second covers a late tick, so a client that waits is served.
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait + TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
                return new ValueTask(Problems.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "Too Many Requests",
                    $"This key is over its rate limit; retry after {seconds} s."));
            };
        });
        return builder;
    }

    static TokenBucketRateLimiterOptions Bucket(int burst, int perPeriod, TimeSpan period) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perPeriod,
        ReplenishmentPeriod = period,
        QueueLimit = 0,
        AutoReplenishment = true
    };

    static string? Caller(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
            ? context.User.FindFirstValue(CallerClaims.KeyId) ?? context.User.FindFirstValue(CallerClaims.KeyPrefix) ?? context.User.TenantOf()
            : null;

    /// <summary>A new file or resumable upload (limited per minute); a part is not one, however many an upload has.</summary>
    static bool IsUpload(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && (context.Request.Path.Equals("/files", StringComparison.Ordinal) || context.Request.Path.Equals("/uploads", StringComparison.Ordinal));

    /// <summary>A part of a resumable upload (PUT /uploads/{id}/parts/{n}), held in memory while it is checked and stored.</summary>
    static bool IsPart(HttpContext context) =>
        HttpMethods.IsPut(context.Request.Method) && context.Request.Path.StartsWithSegments("/uploads", StringComparison.Ordinal)
        && context.Request.Path.Value!.Contains("/parts/", StringComparison.Ordinal);
}
