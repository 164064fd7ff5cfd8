using System.ComponentModel.DataAnnotations;

namespace Memo.Auth.Sessions;

/// <summary>Section <c>Tokens</c>.</summary>
public sealed class TokenOptions
{
    public const string SectionName = "Tokens";

    /// <summary>Short, because an access token is checked offline: revocation only shortens it further.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Absolute lifetime of a session: rotating its refresh token does not extend it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// How long after its rotation a refresh token may be presented again without ending its session (Auth0's "reuse
    /// interval", Okta's "grace period"): two tabs, two front-end replicas, or a retry whose first answer was lost.
    /// 30 s covers the HTTP resilience pipeline's total timeout, retries included; zero turns it off. A shorter window
    /// leaves less time in which a stolen, just-rotated token is not recognized as reuse.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RefreshReuseInterval { get; set; } = TimeSpan.FromSeconds(30);
}
