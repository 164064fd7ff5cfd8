using System.ComponentModel.DataAnnotations;

namespace Memo.Auth.Throttling;

/// <summary>Section <c>LoginThrottle</c>: failed logins allowed per window before 429.</summary>
public sealed class LoginThrottleOptions
{
    public const string SectionName = "LoginThrottle";

    [Range(1, 1000)]
    public int MaxFailuresPerAccount { get; set; } = 5;

    /// <summary>Higher than per account: many people can share one address (an office, a NAT).</summary>
    [Range(1, 100_000)]
    public int MaxFailuresPerAddress { get; set; } = 50;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}
