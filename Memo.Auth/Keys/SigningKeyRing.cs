using System.Collections.Frozen;

using Microsoft.IdentityModel.Tokens;

namespace Memo.Auth.Keys;

/// <summary>One RSA signing key and until when tokens it signed may still be presented.</summary>
public sealed record SigningKey(string Id, RsaSecurityKey Key, DateTimeOffset CreatedAt, DateTimeOffset? VerifiesUntil);

/// <summary>An immutable snapshot of the keys: the newest signs, and every key whose tokens may still be alive is published.</summary>
public sealed class SigningKeyRing
{
    private readonly FrozenDictionary<string, SigningKey> _published;

    public SigningKeyRing(IReadOnlyList<(string Id, RsaSecurityKey Key, DateTimeOffset CreatedAt)> keysOldestFirst, TimeSpan tokenLifetime, DateTimeOffset now)
    {
        var keys = keysOldestFirst
            .Select((k, i) => new SigningKey(k.Id, k.Key, k.CreatedAt,
                // A key stops signing when the next one is created; its last tokens expire a lifetime (plus skew) later.
                i + 1 < keysOldestFirst.Count ? keysOldestFirst[i + 1].CreatedAt + tokenLifetime + Memo.ServiceDefaults.Authentication.JwtOptions.ClockSkew : null))
            .ToList();
        Active = keys[^1];
        _published = keys.Where(k => k.VerifiesUntil is null || k.VerifiesUntil > now).ToFrozenDictionary(k => k.Id);
    }

    public SigningKey Active { get; }

    public IEnumerable<SigningKey> Published => _published.Values.OrderByDescending(k => k.CreatedAt);

    public SecurityKey? Find(string keyId) => _published.TryGetValue(keyId, out var key) ? key.Key : null;
}
