using System.Collections.Frozen;

using Memo.ServiceDefaults.Authentication;

using Microsoft.IdentityModel.Tokens;

namespace Memo.Auth.Keys;

/// <summary>One signing key, the algorithm it signs with (ES256 or RS256), and until when tokens it signed may still be presented.</summary>
public sealed record SigningKey(string Id, string Algorithm, AsymmetricSecurityKey Key, DateTimeOffset CreatedAt, DateTimeOffset? VerifiesUntil)
{
    /// <summary>What the token validation needs of it: made once, as every request that presents a token asks for it.</summary>
    public VerificationKey Verification { get; } = new(Key, Algorithm);
}

/// <summary>
/// An immutable snapshot of the keys of every algorithm: the newest signs, and every key whose tokens may still be alive
/// is published, each with its own algorithm.
/// </summary>
public sealed class SigningKeyRing
{
    private readonly FrozenDictionary<string, SigningKey> _published;

    public SigningKeyRing(IReadOnlyList<(string Id, string Algorithm, AsymmetricSecurityKey Key, DateTimeOffset CreatedAt)> keysOldestFirst,
        TimeSpan tokenLifetime, DateTimeOffset now)
    {
        var keys = keysOldestFirst
            .Select((k, i) => new SigningKey(k.Id, k.Algorithm, k.Key, k.CreatedAt,
                // A key stops signing when the next one is created; its last tokens expire a lifetime (plus skew) later.
                i + 1 < keysOldestFirst.Count ? keysOldestFirst[i + 1].CreatedAt + tokenLifetime + JwtOptions.ClockSkew : null))
            .ToList();
        Active = keys[^1];
        _published = keys.Where(k => k.VerifiesUntil is null || k.VerifiesUntil > now).ToFrozenDictionary(k => k.Id);
    }

    public SigningKey Active { get; }

    public IEnumerable<SigningKey> Published => _published.Values.OrderByDescending(k => k.CreatedAt);

    public VerificationKey? Find(string keyId) => _published.GetValueOrDefault(keyId)?.Verification;
}
