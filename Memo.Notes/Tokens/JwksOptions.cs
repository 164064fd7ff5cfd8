using System.ComponentModel.DataAnnotations;

namespace Memo.Notes.Tokens;

/// <summary>Section <c>Jwks</c>: how Notes keeps Memo.Auth's public keys.</summary>
public sealed class JwksOptions
{
    public const string SectionName = "Jwks";

    /// <summary>Routine refetch, to drop retired keys.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The least time between two refetches caused by tokens with unknown key ids, so garbage kids cannot flood Auth.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan MinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);
}
