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
}
