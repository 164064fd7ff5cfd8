using System.ComponentModel.DataAnnotations;

namespace Memo.Gateway;

/// <summary>
/// Section <c>Gateway</c>: the edge policies, validated at start. Environment variables use <c>__</c> for <c>:</c>, for
/// example <c>Gateway__RateLimits__PerClientPermitsPerSecond=200</c> or <c>Gateway__Notes__Timeout=00:00:05</c>.
/// </summary>
public sealed class GatewayOptions : IValidatableObject
{
    public const string SectionName = "Gateway";

    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary><c>/auth/**</c> and <c>/.well-known/**</c>, to Memo.Auth. The body limit is Auth's own (64 KiB).</summary>
    public RouteLimits Auth { get; set; } = new() { MaxRequestBodySize = 64 * 1024, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary><c>/notes</c> and <c>/notes/**</c>, to Memo.Notes. The body limit is Notes' own (256 KiB).</summary>
    public RouteLimits Notes { get; set; } = new() { MaxRequestBodySize = 256 * 1024, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Everything else, to Memo.Web, when a <c>web</c> endpoint is configured.</summary>
    public RouteLimits Web { get; set; } = new() { MaxRequestBodySize = 64 * 1024, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// The most bytes all request headers together may take (names and values); larger requests get 431 problem details.
    /// Kestrel's own limit is set to twice this: above it, Kestrel answers 431 itself, without a body.
    /// </summary>
    [Range(1024, 1024 * 1024)]
    public int MaxRequestHeadersTotalSize { get; set; } = 16 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Data annotations do not look into nested objects by themselves.
        foreach (var (name, value) in new (string, object)[] { (nameof(RateLimits), RateLimits), (nameof(Auth), Auth), (nameof(Notes), Notes), (nameof(Web), Web) })
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true);
            foreach (var result in results)
            {
                yield return new ValidationResult(result.ErrorMessage, result.MemberNames.Select(m => $"{name}:{m}").ToList());
            }
        }
    }
}

/// <summary>
/// Token buckets per client address (the connection's address, or the one a trusted proxy forwarded). Each gateway
/// replica counts on its own: with N replicas behind a load balancer a client can get up to N times these rates.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests per second for one client address, on every route; a second's worth may come at once.</summary>
    [Range(1, 10_000_000)]
    public int PerClientPermitsPerSecond { get; set; } = 100;

    /// <summary>
    /// <c>POST /auth/login</c>, <c>/auth/register</c> and <c>/auth/refresh</c> together, per minute for one client
    /// address, on top of the general limit; a minute's worth may come at once. Slows password guessing at the edge,
    /// before Auth's own per-account and per-address login throttle.
    /// </summary>
    [Range(1, 1_000_000)]
    public int CredentialPermitsPerMinute { get; set; } = 20;
}

public sealed class RouteLimits
{
    /// <summary>The largest request body in bytes; larger is 413 problem details.</summary>
    [Range(1, 100 * 1024 * 1024)]
    public int MaxRequestBodySize { get; set; }

    /// <summary>How long the service may take to answer; then 504 problem details.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Timeout { get; set; }
}
