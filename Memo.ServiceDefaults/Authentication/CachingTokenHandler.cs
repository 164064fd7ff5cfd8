using System.Security.Claims;

using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Memo.ServiceDefaults.Authentication;

/// <summary>
/// Validates access tokens and remembers the ones that passed, so that a client sending the same token on every request
/// pays for the RSA signature check about once a minute rather than once per request (it was the largest single cost of
/// a Notes read; docs/performance.md). Only successful validations are kept, keyed by the exact token text, never past
/// the token's expiry and at most <see cref="EntryLifetime"/>, so a signing key withdrawn from the JWKS stops working
/// within that time. Each service validates with one fixed set of parameters, so the token alone is the key.
/// Revocation is not cached here: JwtBearer's OnTokenValidated checks it on every request.
/// </summary>
public sealed class CachingTokenHandler(TimeProvider time) : JsonWebTokenHandler, IDisposable
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

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private sealed record Entry(ClaimsIdentity Identity, SecurityToken Token, DateTimeOffset Expires);
}
