using System.Security.Claims;
using System.Security.Cryptography;

using Memo.ServiceDefaults.Authentication;

using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Memo.Tests.Authentication;

/// <summary>The cache in front of token validation: it saves signature checks and never accepts more than validation would.</summary>
public sealed class CachingTokenHandlerTests : IDisposable
{
    private readonly ManualClock clock = new(DateTimeOffset.UtcNow);
    private readonly ECDsaSecurityKey key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "k1" };
    private readonly KeySource keySource = new();
    private readonly CachingTokenHandler handler;
    private int keyLookups;

    public CachingTokenHandlerTests() => handler = new CachingTokenHandler(clock, keySource);

    [Fact]
    public async Task A_token_validated_once_is_not_checked_again_within_the_entry_lifetime()
    {
        var token = Mint(TimeSpan.FromMinutes(15));

        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        clock.Advance(CachingTokenHandler.EntryLifetime - TimeSpan.FromSeconds(1));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.Equal(1, keyLookups);

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.Equal(2, keyLookups);
    }

    [Fact]
    public async Task A_cached_token_is_refused_once_it_has_expired()
    {
        // The validator reads the real clock, so this one waits for a real expiry (a token living 2 s, no skew).
        using var realTime = new CachingTokenHandler(TimeProvider.System, keySource);
        var expires = DateTimeOffset.UtcNow.AddSeconds(2);
        var token = Mint(TimeSpan.FromSeconds(2));
        var noSkew = Parameters();
        noSkew.ClockSkew = TimeSpan.Zero;
        Assert.True((await realTime.ValidateTokenAsync(token, noSkew)).IsValid);

        await Task.Delay(expires.AddSeconds(1.5) - DateTimeOffset.UtcNow);

        var result = await realTime.ValidateTokenAsync(token, noSkew);
        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(result.Exception);
    }

    [Fact]
    public async Task A_failed_validation_is_not_remembered()
    {
        var token = Mint(TimeSpan.FromMinutes(15));
        var wrongAudience = Parameters();
        wrongAudience.ValidAudience = "someone-else";

        Assert.False((await handler.ValidateTokenAsync(token, wrongAudience)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(token, wrongAudience)).IsValid);
        Assert.Equal(2, keyLookups);
    }

    [Fact]
    public async Task Each_request_gets_its_own_copy_of_the_identity()
    {
        var token = Mint(TimeSpan.FromMinutes(15));
        var first = await handler.ValidateTokenAsync(token, Parameters());
        first.ClaimsIdentity.AddClaim(new Claim("role", "admin"));

        var second = await handler.ValidateTokenAsync(token, Parameters());

        Assert.Equal("user-1", second.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value);
        Assert.Null(second.ClaimsIdentity.FindFirst("role"));
    }

    [Fact]
    public async Task A_new_token_has_its_key_made_known_before_validation_and_a_cached_one_does_not()
    {
        var token = Mint(TimeSpan.FromMinutes(15));

        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.Equal(["k1"], keySource.EnsuredKeyIds);
        Assert.Equal(1, keyLookups);

        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.Equal(["k1"], keySource.EnsuredKeyIds);

        // A malformed token has no kid to learn; the validator refuses it.
        Assert.False((await handler.ValidateTokenAsync("not-a-token", Parameters())).IsValid);
        Assert.Equal(["k1"], keySource.EnsuredKeyIds);
    }

    public void Dispose()
    {
        handler.Dispose();
        key.ECDsa.Dispose();
    }

    private string Mint(TimeSpan lifetime) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "memo-auth",
        Audience = "memo-api",
        Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, "user-1")]),
        IssuedAt = clock.GetUtcNow().UtcDateTime,
        NotBefore = clock.GetUtcNow().UtcDateTime,
        Expires = (clock.GetUtcNow() + lifetime).UtcDateTime,
        TokenType = JwtOptions.TokenType,
        SigningCredentials = new SigningCredentials(key, JwtOptions.Es256),
    });

    private TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = "memo-auth",
        ValidAudience = "memo-api",
        ValidAlgorithms = [JwtOptions.Es256],
        ValidTypes = [JwtOptions.TokenType],
        ClockSkew = JwtOptions.ClockSkew,
        IssuerSigningKeyResolver = (_, _, _, _) =>
        {
            keyLookups++;
            return [key];
        },
    };

    /// <summary>Records the key ids the handler asks to be made known (the services' sources fetch or reload them).</summary>
    private sealed class KeySource : ISigningKeySource
    {
        public List<string> EnsuredKeyIds { get; } = [];

        public VerificationKey? Find(string keyId) => null;

        public ValueTask EnsureKnownAsync(string keyId, CancellationToken cancellationToken)
        {
            EnsuredKeyIds.Add(keyId);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}
