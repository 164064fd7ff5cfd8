using System.Net;

using Memo.Tests.Hosting;

using StackExchange.Redis;

namespace Memo.Tests.Scenarios;

/// <summary>The system under database and cache failures. Each test stops a real server and starts it again.</summary>
public abstract class FaultScenarios(IMemoHost host) : IDisposable
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);
    private readonly MemoClient _client = new(host);

    [Fact]
    public async Task Health_is_unhealthy_while_Postgres_is_down_and_healthy_again_after()
    {
        await AssertHealthAsync(HttpStatusCode.OK);
        await host.StopPostgresAsync();
        try
        {
            await AssertHealthAsync(HttpStatusCode.ServiceUnavailable);
            using var alive = await _client.Get(host.NotesServiceUrl, "/alive");
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode); // liveness does not depend on the database
        }
        finally
        {
            await host.StartPostgresAsync();
        }

        await AssertHealthAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Notes_answers_503_while_Postgres_is_down_and_recovers_by_itself()
    {
        var user = await _client.NewUserAsync();
        var token = user.Tokens.AccessToken;
        var note = await _client.CreateNoteAsync(token, new NoteBody("before the outage", "x"));
        await host.StopPostgresAsync();
        try
        {
            foreach (var call in new Func<Task<HttpResponseMessage>>[]
            {
                () => _client.Notes(HttpMethod.Get, $"/notes/{note.Id}", token: token),
                () => _client.Notes(HttpMethod.Post, "/notes", new NoteBody("during", "x"), token),
                () => _client.Notes(HttpMethod.Get, "/notes", token: token),
            })
            {
                using var response = await call();
                await AuthScenarios.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }
        finally
        {
            await host.StartPostgresAsync();
        }

        await _client.WaitForStatusAsync(() => _client.Notes(HttpMethod.Get, $"/notes/{note.Id}", token: token), HttpStatusCode.OK, Recovery);
        await _client.CreateNoteAsync(token, new NoteBody("after the outage", "x"));
    }

    [Fact]
    public async Task Auth_restores_revocations_after_FLUSHALL_within_5_seconds()
    {
        var user = await _client.NewUserAsync();
        using (await _client.Auth(HttpMethod.Post, "/auth/logout", token: user.Tokens.AccessToken))
        {
        }

        var sid = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(user.Tokens.AccessToken).GetClaim("sid").Value;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await host.RedisConnectionStringAsync() + ",allowAdmin=true");
        var key = $"memo:revoked:sid:{sid}";
        await Eventually.TrueAsync(() => redis.GetDatabase().KeyExistsAsync(key), TimeSpan.FromSeconds(5));
        await redis.GetServers()[0].FlushAllDatabasesAsync();
        Assert.False(await redis.GetDatabase().KeyExistsAsync(key));
        await Eventually.TrueAsync(() => redis.GetDatabase().KeyExistsAsync(key), TimeSpan.FromSeconds(5));
        Assert.True(await redis.GetDatabase().KeyTimeToLiveAsync(key) > TimeSpan.FromMinutes(14));

        using var refused = await _client.Notes(HttpMethod.Get, "/notes", token: user.Tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Revocations_hold_through_a_Redis_outage_and_restart_and_a_logout_during_the_outage_lands_after()
    {
        var revokedBefore = await _client.NewUserAsync();
        var revokedDuring = await _client.NewUserAsync();
        var live = await _client.NewUserAsync();
        using (await _client.Auth(HttpMethod.Post, "/auth/logout", token: revokedBefore.Tokens.AccessToken))
        {
        }

        await _client.WaitForStatusAsync(() => _client.Notes(HttpMethod.Get, "/notes", token: revokedBefore.Tokens.AccessToken), HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1));

        await host.StopRedisAsync();
        try
        {
            // Notes keeps serving from its mirror, and keeps refusing what it knows is revoked.
            using (var served = await _client.Notes(HttpMethod.Get, "/notes", token: live.Tokens.AccessToken))
            {
                Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            }

            using (var refused = await _client.Notes(HttpMethod.Get, "/notes", token: revokedBefore.Tokens.AccessToken))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            // Logout is durable in the database even with the cache down.
            using var logout = await _client.Auth(HttpMethod.Post, "/auth/logout", token: revokedDuring.Tokens.AccessToken);
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }
        finally
        {
            await host.StartRedisAsync(); // empty
        }

        await _client.WaitForStatusAsync(() => _client.Notes(HttpMethod.Get, "/notes", token: revokedDuring.Tokens.AccessToken), HttpStatusCode.Unauthorized, Recovery);

        // Redis came back empty: Auth writes back both revocations, the one from before the outage and the one made during it.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(await host.RedisConnectionStringAsync()))
        {
            foreach (var user in new[] { revokedBefore, revokedDuring })
            {
                var sid = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(user.Tokens.AccessToken).GetClaim("sid").Value;
                await Eventually.TrueAsync(() => redis.GetDatabase().KeyExistsAsync($"memo:revoked:sid:{sid}"), TimeSpan.FromSeconds(5));
            }
        }

        using var stillRefused = await _client.Notes(HttpMethod.Get, "/notes", token: revokedBefore.Tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, stillRefused.StatusCode);
        using var stillServed = await _client.Notes(HttpMethod.Get, "/notes", token: live.Tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, stillServed.StatusCode);

        // And a logout after the restart travels by pub/sub again.
        using (await _client.Auth(HttpMethod.Post, "/auth/logout", token: live.Tokens.AccessToken))
        {
        }

        await _client.WaitForStatusAsync(() => _client.Notes(HttpMethod.Get, "/notes", token: live.Tokens.AccessToken), HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5));
    }

    public void Dispose()
    {
        _client.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task AssertHealthAsync(HttpStatusCode status)
    {
        await _client.WaitForStatusAsync(() => _client.Get(host.AuthServiceUrl, "/health"), status, Recovery);
        await _client.WaitForStatusAsync(() => _client.Get(host.NotesServiceUrl, "/health"), status, Recovery);
    }
}
