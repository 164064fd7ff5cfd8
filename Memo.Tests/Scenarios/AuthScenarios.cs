using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using Memo.Tests.Hosting;

using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Memo.Tests.Scenarios;

/// <summary>Memo.Auth through HTTP. Runs on every host (see the Local* and Aspire* classes).</summary>
public abstract class AuthScenarios(IMemoHost host) : IDisposable
{
    protected MemoClient Client { get; } = new(host);

    [Fact]
    public async Task Register_creates_the_account_and_refuses_the_same_email_in_another_case()
    {
        var email = $"Case-{Guid.NewGuid():N}@Example.com";
        using var created = await Client.Auth(HttpMethod.Post, "/auth/register", new { email, password = "long enough", displayName = "Ann" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.Equal("Ann", body.GetProperty("displayName").GetString());
        Assert.True(body.GetProperty("id").GetGuid() != Guid.Empty);

        using var taken = await Client.Auth(HttpMethod.Post, "/auth/register", new { email = email.ToUpperInvariant(), password = "long enough" });
        await AssertProblemAsync(taken, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Register_reports_each_invalid_field()
    {
        using var response = await Client.Auth(HttpMethod.Post, "/auth/register",
            new { email = "not-an-email", password = "short", displayName = new string('x', 101) });
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("Email", out _));
        Assert.True(errors.TryGetProperty("Password", out _));
        Assert.True(errors.TryGetProperty("DisplayName", out _));
    }

    [Theory]
    [InlineData("{\"email\": \"a@b.c\", \"password\": ")] // malformed JSON
    [InlineData("{\"email\": 42, \"password\": true}")] // wrong types
    [InlineData("{\"password\": \"long enough\"}")] // missing field
    [InlineData("")] // empty body
    public async Task Register_rejects_bad_bodies_with_400(string json)
    {
        using var response = await Client.Auth(HttpMethod.Post, "/auth/register", new StringContent(json, Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Overlong_fields_are_400_and_a_body_over_64_KiB_is_413_and_non_JSON_is_415()
    {
        using var overlong = await Client.Auth(HttpMethod.Post, "/auth/register", new { email = new string('a', 300) + "@x.io", password = new string('p', 129) });
        await AssertProblemAsync(overlong, HttpStatusCode.BadRequest);

        using var huge = await Client.Auth(HttpMethod.Post, "/auth/register", new { email = "a@b.c", password = new string('p', 70_000) });
        await AssertProblemAsync(huge, HttpStatusCode.RequestEntityTooLarge);

        using var text = await Client.Auth(HttpMethod.Post, "/auth/login", new StringContent("email=a&password=b", Encoding.UTF8, "text/plain"));
        await AssertProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Login_returns_OAuth_token_fields_with_a_token_that_verifies_with_the_published_keys()
    {
        var user = await Client.NewUserAsync();
        Assert.Equal("Bearer", user.Tokens.TokenType);
        Assert.InRange(user.Tokens.ExpiresIn, 1, 15 * 60);
        Assert.InRange(user.Tokens.RefreshTokenExpiresIn, 13 * 86400, 14 * 86400);
        Assert.True(Base64UrlEncoder.DecodeBytes(user.Tokens.RefreshToken).Length >= 32);

        using var jwks = await Client.Auth(HttpMethod.Get, "/.well-known/jwks.json");
        Assert.Contains("public", jwks.Headers.CacheControl!.ToString());
        var keySet = new JsonWebKeySet(await jwks.Content.ReadAsStringAsync());
        Assert.All(keySet.Keys, k => Assert.False(k.HasPrivateKey));
        // Each key names its own algorithm: ES256 for EC P-256 keys, RS256 for the RSA keys from before ES256.
        Assert.All(keySet.Keys, k => Assert.Contains((k.Kty, k.Alg, k.Crv, k.Use), new[] { ("EC", "ES256", "P-256", "sig"), ("RSA", "RS256", null, "sig") }));

        var kid = new JsonWebToken(user.Tokens.AccessToken).Kid;
        var key = Assert.Single(keySet.Keys, k => k.Kid == kid);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(user.Tokens.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = "memo-auth",
            ValidAudience = "memo-api",
            IssuerSigningKey = key,
            ValidAlgorithms = [key.Alg],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        // A fresh deployment signs with ES256.
        Assert.Equal("ES256", token.Alg);
        Assert.Equal("at+jwt", token.Typ);
        Assert.Equal(user.Id.ToString(), token.Subject);
        foreach (var claim in new[] { "sid", "jti", "iat", "nbf", "exp" })
        {
            Assert.True(token.TryGetPayloadValue<object>(claim, out _), $"claim {claim}");
        }

        Assert.InRange(token.ValidTo - token.IssuedAt, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task Discovery_document_names_the_issuer_and_the_key_set()
    {
        using var response = await Client.Auth(HttpMethod.Get, "/.well-known/openid-configuration");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("memo-auth", body.GetProperty("issuer").GetString());
        using var keys = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, body.GetProperty("jwks_uri").GetString()));
        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_get_the_same_401()
    {
        var user = await Client.NewUserAsync();
        using var wrong = await Client.Auth(HttpMethod.Post, "/auth/login", new { email = user.Email, password = "wrong password" });
        using var unknown = await Client.Auth(HttpMethod.Post, "/auth/login", new { email = $"nobody-{Guid.NewGuid():N}@example.com", password = "wrong password" });
        var a = await AssertProblemAsync(wrong, HttpStatusCode.Unauthorized);
        var b = await AssertProblemAsync(unknown, HttpStatusCode.Unauthorized);
        Assert.Equal(a.GetProperty("title").GetString(), b.GetProperty("title").GetString());
        Assert.Equal(a.GetProperty("type").GetString(), b.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Me_returns_the_signed_in_user_and_needs_a_token()
    {
        var user = await Client.NewUserAsync();
        using var me = await Client.Auth(HttpMethod.Get, "/auth/me", token: user.Tokens.AccessToken);
        var body = await me.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(user.Id, body.GetProperty("id").GetGuid());
        Assert.Equal(user.Email, body.GetProperty("email").GetString());

        using var anonymous = await Client.Auth(HttpMethod.Get, "/auth/me");
        await AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_rotates_the_refresh_token_and_refuses_an_unknown_one()
    {
        // Reuse of a spent token (within the reuse interval, and after it) is in Local/RefreshRotationTests.cs.
        var user = await Client.NewUserAsync();
        using var first = await Client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = user.Tokens.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var rotated = (await first.Content.ReadFromJsonAsync<Tokens>())!;
        Assert.NotEqual(user.Tokens.RefreshToken, rotated.RefreshToken);
        Assert.Null(rotated.DeviceToken);
        using (var works = await Client.Notes(HttpMethod.Get, "/notes", token: rotated.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        }

        using var next = await Client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = rotated.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);

        using var garbage = await Client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = "not-a-token" });
        await AssertProblemAsync(garbage, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_responses_may_not_be_stored_by_caches()
    {
        // RFC 6749 section 5.1: Cache-Control: no-store, and Pragma: no-cache for HTTP/1.0 caches.
        var email = $"user-{Guid.NewGuid():N}@example.com";
        using (await Client.Auth(HttpMethod.Post, "/auth/register", new { email, password = MemoClient.Password }))
        {
        }

        using var login = await Client.Auth(HttpMethod.Post, "/auth/login", new { email, password = MemoClient.Password });
        var tokens = (await login.Content.ReadFromJsonAsync<Tokens>())!;
        using var refresh = await Client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = tokens.RefreshToken });
        foreach (var response in new[] { login, refresh })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.CacheControl!.NoStore, response.RequestMessage!.RequestUri!.AbsolutePath);
            Assert.Contains("no-cache", response.Headers.Pragma.Select(p => p.Name));
        }
    }

    [Fact]
    public async Task Logout_ends_the_session_at_Auth_and_at_Notes_within_a_second()
    {
        var user = await Client.NewUserAsync();
        var other = await Client.LoginAsync(user.Email, user.Password); // a second session of the same user
        using (var logout = await Client.Auth(HttpMethod.Post, "/auth/logout", token: user.Tokens.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var took = await Client.WaitForStatusAsync(() => Client.Notes(HttpMethod.Get, "/notes", token: user.Tokens.AccessToken), HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1));
        Assert.True(took < TimeSpan.FromSeconds(1));
        using var me = await Client.Auth(HttpMethod.Get, "/auth/me", token: user.Tokens.AccessToken);
        await AssertProblemAsync(me, HttpStatusCode.Unauthorized);
        using var refresh = await Client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = user.Tokens.RefreshToken });
        await AssertProblemAsync(refresh, HttpStatusCode.Unauthorized);

        using var otherStillWorks = await Client.Notes(HttpMethod.Get, "/notes", token: other.AccessToken);
        Assert.Equal(HttpStatusCode.OK, otherStillWorks.StatusCode);
    }

    [Fact]
    public async Task Logout_all_ends_every_session_of_the_user_only()
    {
        var user = await Client.NewUserAsync();
        var second = await Client.LoginAsync(user.Email, user.Password);
        var stranger = await Client.NewUserAsync();
        using (var logout = await Client.Auth(HttpMethod.Post, "/auth/logout-all", token: second.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        foreach (var token in new[] { user.Tokens.AccessToken, second.AccessToken })
        {
            await Client.WaitForStatusAsync(() => Client.Notes(HttpMethod.Get, "/notes", token: token), HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1));
        }

        foreach (var refreshToken in new[] { user.Tokens.RefreshToken, second.RefreshToken })
        {
            using var refresh = await Client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = refreshToken });
            await AssertProblemAsync(refresh, HttpStatusCode.Unauthorized);
        }

        using var strangerWorks = await Client.Notes(HttpMethod.Get, "/notes", token: stranger.Tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, strangerWorks.StatusCode);
        using var again = await Client.LoginAsync(user.Email, user.Password) is { } fresh
            ? await Client.Notes(HttpMethod.Get, "/notes", token: fresh.AccessToken)
            : throw new InvalidOperationException();
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_describes_the_endpoints()
    {
        using var response = await Client.Get(host.AuthServiceUrl, "/openapi/v1.json");
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/auth/register", "/auth/login", "/auth/refresh", "/auth/logout", "/auth/logout-all", "/auth/me", "/.well-known/jwks.json" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }

        // The login throttle's policy, and its device token both ways.
        var login = paths.GetProperty("/auth/login").GetProperty("post");
        Assert.Contains("failures are free", login.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(login.TryGetProperty("responses", out var responses) && responses.TryGetProperty("429", out _));
        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var contract in new[] { "LoginRequest", "TokenResponse" })
        {
            Assert.True(schemas.GetProperty(contract).GetProperty("properties").TryGetProperty("device_token", out var deviceToken), contract);
            Assert.False(string.IsNullOrEmpty(deviceToken.GetProperty("description").GetString()), contract);
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        GC.SuppressFinalize(this);
    }

    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
