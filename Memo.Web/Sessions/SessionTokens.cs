using Memo.Web.Apis;

namespace Memo.Web.Sessions;

/// <summary>What Memo.Web keeps for a signed-in browser, server-side only: the tokens Memo.Auth issued and when they expire.</summary>
public sealed record SessionTokens(string AccessToken, DateTimeOffset AccessTokenExpiresAt, string RefreshToken, DateTimeOffset RefreshTokenExpiresAt)
{
    public static SessionTokens From(TokenResponse response, DateTimeOffset now) => new(
        response.AccessToken,
        now.AddSeconds(response.ExpiresIn),
        response.RefreshToken,
        now.AddSeconds(response.RefreshTokenExpiresIn));
}
