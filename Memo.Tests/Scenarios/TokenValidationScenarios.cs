using System.Net;

using Memo.Tests.Hosting;

using Microsoft.IdentityModel.Tokens;

namespace Memo.Tests.Scenarios;

/// <summary>Notes accepts only tokens Memo.Auth could have issued, for a live session.</summary>
public abstract class TokenValidationScenarios(IMemoHost host) : IDisposable
{
    private readonly MemoClient _client = new(host);

    public static TheoryData<string> BadTokens =>
    [
        "alg none", "HS256 keyed with the public key", "unknown kid", "expired", "not yet valid",
        "wrong issuer", "wrong audience", "tampered payload", "garbage", "wrong typ", "the other algorithm under the real kid",
    ];

    [Fact]
    public async Task A_token_forged_with_the_real_key_and_real_claims_is_accepted()
    {
        // The control: it shows that every refusal below is due to the one thing each case changes.
        var user = await _client.NewUserAsync();
        var forge = await TokenForge.CreateAsync(host);
        using var response = await _client.Notes(HttpMethod.Get, "/notes", token: forge.Sign(user.Tokens.AccessToken));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Notes_refuses_a_bad_token_with_401(string badness)
    {
        var user = await _client.NewUserAsync();
        var forge = await TokenForge.CreateAsync(host);
        var real = user.Tokens.AccessToken;
        var past = DateTime.UtcNow.AddMinutes(-10);
        var token = badness switch
        {
            "alg none" => TokenForge.Unsigned(real),
            "HS256 keyed with the public key" => forge.SignWithPublicKeyAsHmacSecret(real),
            "unknown kid" => forge.Sign(real, key: TokenForge.NewKey(forge.Algorithm, "unknown-kid")),
            // Beyond the 30 s clock skew each way.
            "expired" => forge.Sign(real, d => (d.IssuedAt, d.NotBefore, d.Expires) = (past, past, DateTime.UtcNow.AddSeconds(-45))),
            "not yet valid" => forge.Sign(real, d => d.NotBefore = DateTime.UtcNow.AddSeconds(45)),
            "wrong issuer" => forge.Sign(real, d => d.Issuer = "someone-else"),
            "wrong audience" => forge.Sign(real, d => d.Audience = "another-api"),
            "tampered payload" => TokenForge.WithTamperedPayload(real),
            "wrong typ" => forge.Sign(real, d => d.TokenType = "JWT"),
            // The active key is pinned to its algorithm: a token naming the other one with its kid is refused.
            "the other algorithm under the real kid" => forge.Algorithm == "ES256"
                ? forge.Sign(real, key: TokenForge.NewKey("RS256", forge.KeyId), algorithm: "RS256")
                : forge.Sign(real, key: TokenForge.NewKey("ES256", forge.KeyId), algorithm: "ES256"),
            _ => "garbage.not-a.token",
        };

        using var response = await _client.Notes(HttpMethod.Get, "/notes", token: token);
        var problem = await AuthScenarios.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("Unauthorized", problem.GetProperty("title").GetString());
    }

    public void Dispose()
    {
        _client.Dispose();
        GC.SuppressFinalize(this);
    }
}
