using Microsoft.IdentityModel.Tokens;

namespace Memo.ServiceDefaults.Authentication;

/// <summary>The public keys a service verifies access tokens with.</summary>
public interface ISigningKeySource
{
    /// <summary>The key with this id and the one algorithm it verifies, or none. Called on every request: must not block.</summary>
    VerificationKey? Find(string keyId);

    /// <summary>Reloads the keys when <paramref name="keyId"/> is unknown, at most once per interval, so a rotated key is picked up without a restart.</summary>
    ValueTask EnsureKnownAsync(string keyId, CancellationToken cancellationToken);
}

/// <summary>A public key and the algorithm it is pinned to: a token naming another algorithm is refused with it.</summary>
public sealed record VerificationKey(SecurityKey Key, string Algorithm);
