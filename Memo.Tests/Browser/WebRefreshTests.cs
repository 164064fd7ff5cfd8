using Memo.Tests.Hosting;

using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Playwright;

using Npgsql;

using static Microsoft.Playwright.Assertions;

namespace Memo.Tests.Browser;

/// <summary>
/// Access tokens that live 30 s, which Memo.Web replaces when less than 25 s are left: every request after the first
/// five seconds of a token's life refreshes it, so refreshes are frequent and meet each other.
/// </summary>
public sealed class ShortTokenBrowserHost : BrowserHost
{
    public static readonly TimeSpan RefreshDue = TimeSpan.FromSeconds(5);

    protected override IReadOnlyDictionary<string, string> AuthSettings => new Dictionary<string, string>(LocalMemoHost.FastAuthSettings)
    {
        ["Tokens__AccessTokenLifetime"] = "00:00:30",
    };

    protected override IReadOnlyDictionary<string, string> WebSettings => new Dictionary<string, string>
    {
        ["Session__RefreshBeforeExpiry"] = "00:00:25",
    };
}

public sealed class WebRefreshTests(ShortTokenBrowserHost host) : IClassFixture<ShortTokenBrowserHost>
{
    [Fact]
    public async Task Two_tabs_refreshing_at_the_same_moment_both_stay_signed_in_and_the_session_moves_on()
    {
        await using var sessions = await ServerSessions.ConnectAsync(host.Memo.Stack.Redis.ConnectionString);
        var others = (await sessions.AllAsync()).Keys;
        await using var context = await host.NewContextAsync();
        var first = await context.NewPageAsync();
        await first.SignUpAsync();
        var note = await first.CreateNoteAsync("still here", "after every refresh");
        var second = await context.NewPageAsync();
        var session = Assert.Single((await sessions.AllAsync()).Keys.Except(others));
        await using var authdb = new NpgsqlConnection(await host.Memo.AuthDatabaseConnectionStringAsync());
        await authdb.OpenAsync();
        var sessionId = Guid.Parse(new JsonWebToken((await sessions.FindAsync(session))!.Value.Tokens.AccessToken).GetClaim("sid").Value);
        var issuedBefore = await RefreshTokensIssuedAsync(authdb, sessionId);

        var refreshTokens = new HashSet<string>();
        for (var round = 0; round < 3; round++)
        {
            refreshTokens.Add((await sessions.FindAsync(session))!.Value.Tokens.RefreshToken);
            await Task.Delay(ShortTokenBrowserHost.RefreshDue + TimeSpan.FromMilliseconds(500));

            // Both tabs load at once, each needing a fresh token for its call to Notes. (Two different pages: Chromium
            // holds a second request for a URL back until the first one's answer.)
            await Task.WhenAll(first.GotoAsync("/"), second.GotoAsync(note));
            await Expect(first.Locator(".note-list h2")).ToHaveTextAsync(["still here"]);
            await Expect(second.Heading()).ToHaveTextAsync("still here");
        }

        // The session went on with a new refresh token each round, and Auth issued exactly one per round: the two tabs'
        // refreshes were one (Auth's reuse interval would have accepted two, each leaving a token of its own).
        refreshTokens.Add((await sessions.FindAsync(session))!.Value.Tokens.RefreshToken);
        Assert.Equal(4, refreshTokens.Count);
        Assert.Equal(issuedBefore + 3, await RefreshTokensIssuedAsync(authdb, sessionId));
    }

    private static async Task<long> RefreshTokensIssuedAsync(NpgsqlConnection authdb, Guid sessionId)
    {
        await using var count = new NpgsqlCommand("SELECT count(*) FROM refresh_tokens WHERE session_id = @sid", authdb);
        count.Parameters.AddWithValue("sid", sessionId);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task An_open_page_refreshes_through_its_live_connection()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignUpAsync();
        await page.CreateNoteAsync("found later", "x");
        await page.GotoAsync("/");
        await page.WaitForLiveSearchAsync();

        await Task.Delay(ShortTokenBrowserHost.RefreshDue + TimeSpan.FromMilliseconds(500));
        await page.Field("Search").FillAsync("later");
        await page.Field("Search").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Results for “later”: 1");
        await Expect(page).ToHaveURLAsync(MemoPages.HomePage());
    }
}
