using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;

using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Memo.Gateway.RateLimiting;

/// <summary>
/// ASP.NET Core's rate limiter, partitioned by client address (<see cref="RateLimitOptions"/>): a general token bucket on
/// every request, and a stricter one on the credential endpoints (routes with <see cref="CredentialsPolicy"/>). The
/// address is the connection's, or the one a trusted proxy forwarded; a client-sent header never chooses it.
/// A refusal is 429 problem details with a Retry-After after which the next request gets through.
/// </summary>
public static class GatewayRateLimits
{
    public const string CredentialsPolicy = "credentials";

    // Partitioned limiters refill their buckets on a 100 ms timer (System.Threading.RateLimiting), so a token may come
    // up to that much later than the lease's RetryAfter says.
    private static readonly TimeSpan RefillTimer = TimeSpan.FromMilliseconds(100);

    public static IServiceCollection AddGatewayRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<GatewayOptions>>((options, gateway) =>
        {
            var limits = gateway.Value.RateLimits;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, IPAddress>(context =>
                RateLimitPartition.GetTokenBucketLimiter(ClientAddress(context), _ => Bucket(limits.PerClientPermitsPerSecond, TimeSpan.FromSeconds(1))));
            options.AddPolicy(CredentialsPolicy, context =>
                RateLimitPartition.GetTokenBucketLimiter(ClientAddress(context), _ => Bucket(limits.CredentialPermitsPerMinute, TimeSpan.FromMinutes(1))));
            options.OnRejected = WriteProblemAsync;
        });
        return services;
    }

    // One token every period/permits, up to a full period's worth saved: the lease's RetryAfter is then the time one
    // token takes, not a whole period.
    private static TokenBucketRateLimiterOptions Bucket(int permits, TimeSpan period) => new()
    {
        TokenLimit = permits,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = period / permits,
        QueueLimit = 0,
        AutoReplenishment = false,
    };

    private static IPAddress ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress switch
    {
        { IsIPv4MappedToIPv6: true } mapped => mapped.MapToIPv4(),
        { } address => address,
        null => IPAddress.None,
    };

    private static async ValueTask WriteProblemAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = Math.Ceiling((retryAfter + RefillTimer).TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests from this address. Try again later." },
        });
    }
}
