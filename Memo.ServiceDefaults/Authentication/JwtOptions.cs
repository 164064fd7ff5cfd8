using System.ComponentModel.DataAnnotations;

namespace Memo.ServiceDefaults.Authentication;

/// <summary>What Memo.Auth writes into access tokens and every service checks. Section <c>Jwt</c>.</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Jwt";

    /// <summary>ECDSA with P-256 and SHA-256: what Memo.Auth signs new keys' tokens with (docs/performance.md, "Token algorithms").</summary>
    public const string Es256 = "ES256";

    /// <summary>RSA PKCS#1 v1.5 with SHA-256: the keys from before ES256, verified while tokens they signed may be alive.</summary>
    public const string Rs256 = "RS256";

    /// <summary>RFC 9068 media type of an access token, so no other JWT can stand in for one.</summary>
    public const string TokenType = "at+jwt";

    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>The algorithms accepted; each key verifies only the one it is published for.</summary>
    public static readonly IReadOnlyList<string> Algorithms = [Es256, Rs256];

    [Required]
    public string Issuer { get; set; } = "memo-auth";

    [Required]
    public string Audience { get; set; } = "memo-api";

    /// <summary>Whether a published key (JWK <c>kty</c>, <c>alg</c>, <c>crv</c>) is one of the two kinds Memo uses, with its key type and algorithm agreeing.</summary>
    public static bool IsSupportedKey(string? keyType, string? algorithm, string? curve) =>
        (keyType, algorithm, curve) is ("RSA", Rs256, null) or ("EC", Es256, "P-256");
}
