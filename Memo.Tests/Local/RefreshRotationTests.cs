using System.Net;
using System.Net.Http.Json;

using Memo.Tests.Hosting;
using Memo.Tests.Scenarios;

namespace Memo.Tests.Local;

/// <summary>Refresh-token rotation with a reuse interval, on one Auth instance and on two sharing the database.</summary>
public sealed class RefreshRotationTests(LocalMemoHost host) : IClassFixture<LocalMemoHost>, IDisposable
{
    private readonly MemoClient _client = new(host);

    [Fact]
    public async Task A_refresh_token_presented_again_within_the_reuse_interval_keeps_the_session()
    {
        var user = await _client.NewUserAsync();
        var first = await RefreshAsync(_client, user.Tokens.RefreshToken);
        var again = await RefreshAsync(_client, user.Tokens.RefreshToken);
        Assert.NotEqual(first.RefreshToken, again.RefreshToken);

        // Both successors are ordinary tokens: each rotates, and each may itself be presented twice.
        var fromFirst = await RefreshAsync(_client, first.RefreshToken);
        var fromAgain = await RefreshAsync(_client, again.RefreshToken);
        await RefreshAsync(_client, again.RefreshToken);
        await AssertSessionUsableAsync(fromFirst);
        await AssertSessionUsableAsync(fromAgain);
    }

    [Fact]
    public async Task Two_Auth_instances_refreshing_one_token_at_the_same_moment_both_succeed()
    {
        await using var second = await host.Stack.StartAuthAsync(LocalMemoHost.FastAuthSettings);
        using var secondClient = new MemoClient(host.WithAuth(second.Url));
        var user = await _client.NewUserAsync();
        var current = user.Tokens;
        for (var round = 0; round < 8; round++)
        {
            var token = current.RefreshToken;
            var both = await Task.WhenAll(RefreshAsync(_client, token), RefreshAsync(secondClient, token));
            Assert.NotEqual(both[0].RefreshToken, both[1].RefreshToken);
            current = both[round % 2];
        }

        await AssertSessionUsableAsync(current);
    }

    [Fact]
    public async Task Reuse_after_the_interval_ends_the_session_and_Notes_refuses_its_access_tokens_within_a_second()
    {
        await using var auth = await host.Stack.StartAuthAsync(new Dictionary<string, string>(LocalMemoHost.FastAuthSettings)
        {
            ["Tokens__RefreshReuseInterval"] = "00:00:01",
        });
        using var client = new MemoClient(host.WithAuth(auth.Url));
        var user = await client.NewUserAsync();
        var rotated = await RefreshAsync(client, user.Tokens.RefreshToken);
        var withinInterval = await RefreshAsync(client, user.Tokens.RefreshToken);
        using (var works = await client.Notes(HttpMethod.Get, "/notes", token: rotated.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        }

        // The old token again, after the interval: reuse. The whole session ends, its newest tokens included.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var reuse = await client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = user.Tokens.RefreshToken });
        await AuthScenarios.AssertProblemAsync(reuse, HttpStatusCode.Unauthorized);
        foreach (var tokens in new[] { rotated, withinInterval })
        {
            await client.WaitForStatusAsync(() => client.Notes(HttpMethod.Get, "/notes", token: tokens.AccessToken), HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1));
            using var refresh = await client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = tokens.RefreshToken });
            await AuthScenarios.AssertProblemAsync(refresh, HttpStatusCode.Unauthorized);
        }
    }

    public void Dispose() => _client.Dispose();

    private static async Task<Tokens> RefreshAsync(MemoClient client, string refreshToken)
    {
        using var response = await client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = refreshToken });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Tokens>())!;
    }

    /// <summary>The session goes on: its access token works at Notes and its refresh token rotates.</summary>
    private async Task AssertSessionUsableAsync(Tokens tokens)
    {
        using var notes = await _client.Notes(HttpMethod.Get, "/notes", token: tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, notes.StatusCode);
        var next = await RefreshAsync(_client, tokens.RefreshToken);
        using var nextNotes = await _client.Notes(HttpMethod.Get, "/notes", token: next.AccessToken);
        Assert.Equal(HttpStatusCode.OK, nextNotes.StatusCode);
    }
}
