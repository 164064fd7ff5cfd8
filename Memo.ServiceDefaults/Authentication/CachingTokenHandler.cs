using System.Security.Claims;
using System.Text.Json;

using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Memo.ServiceDefaults.Authentication;

/// <summary>
/// Validates access tokens and remembers the ones that passed, so that a client sending the same token on every request
/// pays for the signature check about once a minute rather than once per request (it was the largest single cost of
/// a Notes read; docs/performance.md). Only successful validations are kept, keyed by the exact token text, never past
/// the token's expiry and at most <see cref="EntryLifetime"/>, so a signing key withdrawn from the JWKS stops working
/// within that time. Each service validates with one fixed set of parameters, so the token alone is the key.
/// Revocation is not cached here: JwtBearer's OnTokenValidated checks it on every request. A token the cache does not
/// hold first has its key id looked up in <see cref="ISigningKeySource"/>, so that a token signed with a newly rotated key
/// succeeds on its first request; a cached token skips that too.
/// </summary>
public sealed class CachingTokenHandler(TimeProvider time, ISigningKeySource keys) : JsonWebTokenHandler, IDisposable
{
    public static readonly TimeSpan EntryLifetime = TimeSpan.FromMinutes(1);

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue(token, out Entry? hit) && hit is not null && now < hit.Expires)
        {
            // A copy: the identity becomes the request's principal, which the application may add claims to.
            return new TokenValidationResult { IsValid = true, ClaimsIdentity = hit.Identity.Clone(), SecurityToken = hit.Token };
        }

        if (ReadKeyId(token) is { Length: > 0 } kid)
        {
            // Validation takes no cancellation token; the key source bounds its own wait.
            await keys.EnsureKnownAsync(kid, CancellationToken.None);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { } validated)
        {
            var expires = Min(new DateTimeOffset(validated.ValidTo, TimeSpan.Zero) + validationParameters.ClockSkew, now + EntryLifetime);
            cache.Set(token, new Entry(result.ClaimsIdentity.Clone(), validated, expires),
                new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expires });
        }

        return result;
    }

    public void Dispose() => cache.Dispose();

    // Decodes the header only: the validator parses the whole token right after. Malformed tokens are the validator's
    // to reject (401); here they just have no kid.
    private static string? ReadKeyId(string token)
    {
        try
        {
            var dot = token.IndexOf('.', StringComparison.Ordinal);
            using var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(dot > 0 ? token[..dot] : token));
            return header.RootElement.ValueKind == JsonValueKind.Object
                && header.RootElement.TryGetProperty("kid", out var kid) && kid.ValueKind == JsonValueKind.String
                ? kid.GetString()
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private sealed record Entry(ClaimsIdentity Identity, SecurityToken Token, DateTimeOffset Expires);
}
