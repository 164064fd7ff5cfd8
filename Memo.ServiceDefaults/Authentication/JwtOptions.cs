using System.ComponentModel.DataAnnotations;

namespace Memo.ServiceDefaults.Authentication;

/// <summary>What Memo.Auth writes into access tokens and every service checks. Section <c>Jwt</c>.</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Jwt";

    /// <summary>The only signing algorithm issued and accepted (RSA PKCS#1 v1.5 with SHA-256; see docs/security.md).</summary>
    public const string Algorithm = "RS256";

    /// <summary>RFC 9068 media type of an access token, so no other JWT can stand in for one.</summary>
    public const string TokenType = "at+jwt";

    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    [Required]
    public string Issuer { get; set; } = "memo-auth";

    [Required]
    public string Audience { get; set; } = "memo-api";
}
