using System.Security.Cryptography;

using Memo.Auth.Keys;
using Memo.ServiceDefaults.Authentication;

using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Memo.Auth.Sessions;

/// <summary>Signs access tokens with the active key, in its algorithm, and mints opaque refresh tokens.</summary>
public sealed class TokenIssuer(SigningKeyStore keys, TimeProvider time, IOptions<JwtOptions> jwt, IOptions<TokenOptions> options)
{
    private readonly JsonWebTokenHandler _handler = new();

    public TimeSpan AccessTokenLifetime => options.Value.AccessTokenLifetime;

    public TimeSpan RefreshTokenLifetime => options.Value.RefreshTokenLifetime;

    public TimeSpan RefreshReuseInterval => options.Value.RefreshReuseInterval;

    public string CreateAccessToken(Guid userId, Guid sessionId)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var key = keys.Ring.Active;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Value.Issuer,
            Audience = jwt.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.Value.AccessTokenLifetime,
            TokenType = JwtOptions.TokenType,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = userId.ToString(),
                [JwtRegisteredClaimNames.Sid] = sessionId.ToString(),
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString(),
            },
            SigningCredentials = new SigningCredentials(key.Key, key.Algorithm),
        });
    }

    /// <summary>256 bits from the CSPRNG, base64url; returned with the SHA-256 that is the only thing stored.</summary>
    public static (string Token, byte[] Hash) CreateRefreshToken()
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (token, HashRefreshToken(token));
    }

    public static byte[] HashRefreshToken(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
}
