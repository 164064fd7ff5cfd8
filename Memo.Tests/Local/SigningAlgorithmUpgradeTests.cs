using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;

using Memo.DevHost.Infrastructure;
using Memo.Tests.Hosting;

using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

using Npgsql;

namespace Memo.Tests.Local;

/// <summary>
/// The move from RS256 to ES256 as a deployment from before it lives it (README, "Tokens"): Auth's database holds one
/// RSA key, in the table Memo.Auth before ES256 reads. The upgraded Auth keeps signing RS256 with it until
/// <c>rotate-signing-key</c> adds an ES256 key; the tokens the RSA key signed keep working at Notes and at Auth until
/// they expire, each key verifies only its own algorithm, and the old code's table still holds only RSA keys.
/// </summary>
public sealed class SigningAlgorithmUpgradeTests(SigningAlgorithmUpgradeTests.RsaEraHost host) : IClassFixture<SigningAlgorithmUpgradeTests.RsaEraHost>
{
    /// <summary>The local stack whose Auth created its first key as Memo.Auth before ES256 did: RSA 2048 in <c>signing_keys</c>.</summary>
    public sealed class RsaEraHost : LocalMemoHost
    {
        protected override IReadOnlyDictionary<string, string> AuthSettings { get; } =
            new Dictionary<string, string>(FastAuthSettings) { ["SigningKeys__Algorithm"] = "RS256" };
    }

    [Fact]
    public async Task Tokens_signed_with_the_RS256_key_from_before_keep_working_after_the_switch_to_ES256()
    {
        using var client = new MemoClient(host);
        var before = await client.NewUserAsync();
        var rsaKid = new JsonWebToken(before.Tokens.AccessToken).Kid;
        Assert.Equal("RS256", new JsonWebToken(before.Tokens.AccessToken).Alg);
        var rsaForge = await TokenForge.CreateAsync(host);

        // The upgraded Auth, configured as every deployment now is (ES256), signs as the old one did: with the newest key.
        await host.RestartAuthAsync(LocalMemoHost.FastAuthSettings);
        var upgraded = await client.LoginAsync(before.Email, before.Password);
        Assert.Equal(("RS256", rsaKid), (new JsonWebToken(upgraded.AccessToken).Alg, new JsonWebToken(upgraded.AccessToken).Kid));

        var (exitCode, output) = await ServiceProcess.RunCommandAsync(LocalStack.AuthProject, host.Stack.AuthEnvironment(), host.Stack.LogDirectory, ["rotate-signing-key"]);
        Assert.True(exitCode == 0, output);
        Assert.Contains("(ES256)", output);
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        Tokens after;
        do
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "Auth did not start signing with the ES256 key.");
            await Task.Delay(200);
            after = await client.LoginAsync(before.Email, before.Password);
        }
        while (new JsonWebToken(after.AccessToken).Alg != "ES256");

        var ecKid = new JsonWebToken(after.AccessToken).Kid;
        foreach (var token in new[] { before.Tokens.AccessToken, upgraded.AccessToken, after.AccessToken })
        {
            using var notes = await client.Notes(HttpMethod.Get, "/notes", token: token);
            Assert.Equal(HttpStatusCode.OK, notes.StatusCode);
            using var me = await client.Auth(HttpMethod.Get, "/auth/me", token: token);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        // The session from before goes on with ES256 tokens.
        using (var refreshed = await client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = before.Tokens.RefreshToken }))
        {
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
            Assert.Equal("ES256", new JsonWebToken((await refreshed.Content.ReadFromJsonAsync<Tokens>())!.AccessToken).Alg);
        }

        // Both keys are published (from Auth itself: the gateway may hold the key set from before for its max-age), each with its own algorithm.
        using (var jwks = await client.Get(host.AuthServiceUrl, "/.well-known/jwks.json"))
        {
            var keys = new JsonWebKeySet(await jwks.Content.ReadAsStringAsync()).Keys.ToDictionary(k => k.Kid);
            Assert.Equal(("RSA", "RS256"), (keys[rsaKid].Kty, keys[rsaKid].Alg));
            Assert.Equal(("EC", "ES256", "P-256"), (keys[ecKid].Kty, keys[ecKid].Alg, keys[ecKid].Crv));
        }

        // The RSA key still verifies RS256 (the control), and nothing else: not PS256 signed with the real RSA key, not
        // an ES256 header under its kid.
        using (var control = await client.Notes(HttpMethod.Get, "/notes", token: rsaForge.Sign(before.Tokens.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.OK, control.StatusCode);
        }

        var otherAlgorithms = new[]
        {
            rsaForge.Sign(before.Tokens.AccessToken, algorithm: SecurityAlgorithms.RsaSsaPssSha256),
            rsaForge.Sign(before.Tokens.AccessToken, key: TokenForge.NewKey("ES256", rsaKid), algorithm: "ES256"),
        };
        foreach (var forged in otherAlgorithms)
        {
            using var refused = await client.Notes(HttpMethod.Get, "/notes", token: forged);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // What an Auth instance from before ES256 still running beside the new ones reads, with its exact query: only
        // RSA keys, the newest being the one it signs with and the new ones publish.
        await using var connection = new NpgsqlConnection(await host.AuthDatabaseConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT kid, private_key, created_at FROM signing_keys ORDER BY created_at, kid", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var oldKids = new List<string>();
        while (await reader.ReadAsync())
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(reader.GetFieldValue<byte[]>(1), out _);
            oldKids.Add(reader.GetString(0));
        }

        Assert.Equal([rsaKid], oldKids);
    }
}
