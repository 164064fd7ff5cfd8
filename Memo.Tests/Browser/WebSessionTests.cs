using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

using Memo.DevHost.Infrastructure;
using Memo.Tests.Hosting;
using Memo.Web.Sessions;

using Microsoft.Playwright;

using static Microsoft.Playwright.Assertions;

namespace Memo.Tests.Browser;

/// <summary>Memo.Web's sessions, languages, keyboard use and failures, in real Chromium.</summary>
public sealed partial class WebSessionTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    [Fact]
    public async Task Signing_out_everywhere_in_one_browser_ends_the_session_in_another_with_a_message()
    {
        await using var first = await host.NewContextAsync();
        await using var second = await host.NewContextAsync();
        var here = await first.NewPageAsync();
        var there = await second.NewPageAsync();
        var email = await here.SignUpAsync();
        await there.SignInAsync(email);
        await there.WaitForLiveSearchAsync();

        await here.GotoAsync("/account");
        await here.CheckScreenAsync("account");
        await here.Button("Sign out everywhere").ClickAsync();
        await Expect(here.GetByText("You signed out.")).ToBeVisibleAsync();

        // The other browser's open page finds out at its next call (Notes refuses a revoked session within a second).
        await there.WaitForTimeoutAsync(1500);
        await there.Field("Search").FillAsync("anything");
        await there.Field("Search").PressAsync("Enter");
        await Expect(there).ToHaveURLAsync(MemoPages.SignInPage());
        await Expect(there.GetByText("Your session has ended")).ToBeVisibleAsync();
        await there.CheckScreenAsync("session-ended");
        await there.GotoAsync("/");
        await Expect(there).ToHaveURLAsync(MemoPages.SignInPage());
    }

    [Fact]
    public async Task A_browser_that_signed_in_before_keeps_signing_in_while_someone_else_guesses_the_password()
    {
        await using var known = await host.NewContextAsync();
        var page = await known.NewPageAsync();
        var email = await page.SignUpAsync();
        Assert.Contains(await known.CookiesAsync(), c => c is { Name: "memo.device", HttpOnly: true, SameSite: SameSiteAttribute.Strict });
        await page.Button("Sign out").ClickAsync();

        using var attacker = new MemoClient(host.Memo, IPAddress.Parse("127.0.0.2"));
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var _ = await attacker.Auth(HttpMethod.Post, "/auth/login", new { email, password = $"guess {attempt}" });
        }

        // A browser Auth has not seen is made to wait; the one with the device cookie signs in.
        await using var unknown = await host.NewContextAsync();
        var other = await unknown.NewPageAsync();
        await other.GotoAsync("/signin");
        await other.Field("Email").FillAsync(email);
        await other.Field("Password").FillAsync(MemoPages.Password);
        await other.Button("Sign in").ClickAsync();
        await Expect(other.GetByRole(AriaRole.Alert)).ToContainTextAsync("Too many failed sign-ins. Try again in");

        await page.SignInAsync(email);
        await Expect(page.Heading()).ToHaveTextAsync("Notes");
    }

    [Fact]
    public async Task Auth_throttles_failed_sign_ins_by_the_browser_s_address_not_Memo_Web_s()
    {
        // Auth refusing an address after 3 failures, and a Web and a gateway of its own in front.
        await using var auth = await host.Memo.Stack.StartAuthAsync(new Dictionary<string, string>(LocalMemoHost.FastAuthSettings)
        {
            ["LoginThrottle__MaxFailuresPerAddress"] = "3",
        });
        await using var web = await host.StartWebAsync(auth.Url, host.Memo.NotesServiceUrl);
        await using var gateway = await host.Memo.Stack.StartGatewayAsync(auth.Url, host.Memo.NotesServiceUrl, LocalMemoHost.RelaxedGatewaySettings, web: web.Url);
        await using var context = await host.NewContextAsync(url: gateway.Url);
        var page = await context.NewPageAsync();
        var email = await page.SignUpAsync();
        await page.Button("Sign out").ClickAsync();

        // A client at another address guesses through the same gateway and Memo.Web until Auth refuses that address.
        using var guesser = new WebFormClient(gateway.Url, MemoClient.Handler(IPAddress.Parse("127.0.0.2")));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Contains("The email or password is not right.", (await guesser.SignInAsync($"nobody-{attempt}@example.com", "guess")).Page);
        }

        Assert.Contains("Too many failed sign-ins", (await guesser.SignInAsync(email, MemoPages.Password)).Page);

        // Memo.Web passed each browser's own address: the browser at 127.0.0.1 is not the one refused.
        await page.SignInAsync(email);
        await Expect(page.Heading()).ToHaveTextAsync("Notes");
    }

    [Fact]
    public async Task A_Web_restart_keeps_the_session_and_the_forms_already_open()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignUpAsync();
        await page.CreateNoteAsync("before the restart", "x");
        await page.GotoAsync("/memos/new");
        await page.Field("Title").FillAsync("typed before, saved after the restart");

        await host.RestartWebAsync();

        await page.Button("Save").ClickAsync();
        await Expect(page).ToHaveURLAsync(MemoPages.NotePage());
        await page.GotoAsync("/");
        await Expect(page.Locator(".note-list h2")).ToHaveTextAsync(["typed before, saved after the restart", "before the restart"]);
    }

    [Fact]
    public async Task A_page_reads_its_session_from_Redis_once_and_a_static_asset_not_at_all()
    {
        using var api = new MemoClient(host.Memo);
        var user = await api.NewUserAsync();
        var note = await api.CreateNoteAsync(user.Tokens.AccessToken, new NoteBody("read once", "its content"));
        using var browser = new WebFormClient(host.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(user.Email, user.Password)).Status);
        await using var redis = await RedisCommandLog.StartAsync(host.Memo.Stack.Redis.ConnectionString);

        // The cookie check's read serves the page's call to Notes too.
        var page = await browser.GetAsync($"/memos/{note.Id}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("read once", page.Page);
        Assert.Equal(["GET"], await redis.CommandsOnAsync(SessionStore.KeyPrefix));

        var asset = await browser.GetAsync("/app.css");
        Assert.Equal(HttpStatusCode.OK, asset.Status);
        Assert.Empty(await redis.CommandsOnAsync(SessionStore.KeyPrefix));
    }

    [Fact]
    public async Task No_token_reaches_the_browser_not_in_cookies_storage_page_source_or_the_live_connection()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        var frames = new StringBuilder();
        page.WebSocket += (_, socket) =>
        {
            socket.FrameReceived += (_, frame) => frames.Append(frame.Text ?? Encoding.UTF8.GetString(frame.Binary ?? []));
            socket.FrameSent += (_, frame) => frames.Append(frame.Text ?? Encoding.UTF8.GetString(frame.Binary ?? []));
        };
        await page.SignUpAsync();
        var note = await page.CreateNoteAsync("a note", "its content", "tag");

        var sources = new List<string>();
        foreach (var path in new[] { "/", note, note + "/edit", "/account" })
        {
            var response = await page.GotoAsync(path);
            sources.Add(await response!.TextAsync());
            sources.Add(await page.ContentAsync());
        }

        await page.GotoAsync("/");
        await page.WaitForLiveSearchAsync();
        await page.Field("Search").FillAsync("note");
        await page.Field("Search").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("note");

        var scriptCookies = await page.EvaluateAsync<string>("document.cookie");
        var storage = await page.EvaluateAsync<string>("JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])");
        var cookies = await context.CookiesAsync();
        Assert.Equal("", scriptCookies);
        Assert.Equal("[[],[]]", storage);
        Assert.All(cookies, c => Assert.True(c.HttpOnly, $"cookie {c.Name} is readable by scripts"));
        Assert.Contains(cookies, c => c is { Name: "memo.session", Secure: true, SameSite: SameSiteAttribute.Lax });

        // The real tokens, from the server's store: none is anywhere the browser could see, nor in Redis in clear.
        await using var sessions = await ServerSessions.ConnectAsync(host.Memo.Stack.Redis.ConnectionString);
        var stored = await sessions.AllAsync();
        Assert.NotEmpty(stored);
        var seen = string.Join('\n', sources.Append(frames.ToString()).Append(string.Join(';', cookies.Select(c => c.Value))));
        Assert.DoesNotMatch(JwtShape(), seen);
        foreach (var (raw, tokens) in stored.Values)
        {
            Assert.DoesNotContain(tokens.AccessToken, seen);
            Assert.DoesNotContain(tokens.RefreshToken, seen);
            Assert.DoesNotContain(tokens.RefreshToken, Encoding.UTF8.GetString(raw));
            Assert.DoesNotContain(tokens.AccessToken, Encoding.UTF8.GetString(raw));
        }
    }

    [Fact]
    public async Task A_Korean_browser_gets_the_Korean_UI_and_the_switch_changes_the_language()
    {
        await using var context = await host.NewContextAsync("ko-KR");
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
        await Expect(page.Heading()).ToHaveTextAsync("로그인");
        await Expect(page.Field("이메일")).ToBeVisibleAsync();
        await Expect(page.Field("비밀번호")).ToBeVisibleAsync();
        await page.CheckScreenAsync("sign-in-ko");

        await page.Link("회원가입").First.ClickAsync();
        await Expect(page.Heading()).ToHaveTextAsync("회원가입");
        await page.Field("이메일").FillAsync(MemoPages.NewEmail());
        await page.Field("비밀번호").FillAsync(MemoPages.Password);
        await page.Button("회원가입").ClickAsync();
        await Expect(page.Heading()).ToHaveTextAsync("메모");
        await Expect(page.Field("검색")).ToBeVisibleAsync();
        await Expect(page.Button("로그아웃")).ToBeVisibleAsync();
        await page.Link("새 메모").First.ClickAsync();
        await Expect(page.Heading()).ToHaveTextAsync("새 메모");
        await page.Field("제목").FillAsync("회의록");
        await page.Field("내용").FillAsync("다음 주 계획");
        await page.CheckScreenAsync("note-editor-ko");
        await page.Button("저장").ClickAsync();
        await Expect(page.Heading()).ToHaveTextAsync("회의록");
        await page.GotoAsync("/");
        await page.WaitForLiveSearchAsync();
        await page.CheckScreenAsync("notes-ko");

        await page.Link("English").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Heading()).ToHaveTextAsync("Notes");
        await Expect(page.Field("Search")).ToBeVisibleAsync();
        await page.Link("한국어").ClickAsync();
        await Expect(page.Heading()).ToHaveTextAsync("메모");
    }

    [Fact]
    public async Task Everything_works_from_the_keyboard_with_a_visible_focus()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");

        // The skip link shows itself when it has the focus and leads to the content.
        await TabToAsync(page, ".skip-link");
        Assert.True((await page.Locator(".skip-link").BoundingBoxAsync())!.Y >= 0);
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("document.activeElement.closest('main') !== null"), "Tab after the skip link left the content");

        await TabToAsync(page, "a[href='/signup']");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Heading()).ToHaveTextAsync("Sign up");
        await TabToAsync(page, "#email");
        await page.Keyboard.TypeAsync(MemoPages.NewEmail());
        await TabToAsync(page, "#password");
        await page.Keyboard.TypeAsync(MemoPages.Password);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Heading()).ToHaveTextAsync("Notes");

        await TabToAsync(page, ".site-nav a[href='/memos/new']");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Heading()).ToHaveTextAsync("New note");
        await TabToAsync(page, "#title");
        await page.Keyboard.TypeAsync("typed with the keyboard");
        await TabToAsync(page, "#content");
        await page.Keyboard.TypeAsync("no mouse");
        await TabToAsync(page, "button.primary");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Heading()).ToHaveTextAsync("typed with the keyboard");

        await page.GotoAsync("/");
        await page.WaitForLiveSearchAsync();
        await TabToAsync(page, "#search");
        await page.Keyboard.TypeAsync("keyboard");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Results for “keyboard”: 1");
        await TabToAsync(page, ".note-list a");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Heading()).ToHaveTextAsync("typed with the keyboard");
    }

    [Fact]
    public async Task A_service_that_is_down_gives_a_banner_and_a_retry_and_Memo_recovers_when_it_returns()
    {
        // A Web instance whose Auth and Notes are not running yet, on addresses they will start on.
        var authUrl = new Uri($"http://127.0.0.1:{Ports.FindFree()}");
        var notesUrl = new Uri($"http://127.0.0.1:{Ports.FindFree()}");
        await using var web = await host.StartWebAsync(authUrl, notesUrl);
        await using var context = await host.NewContextAsync(url: web.Url);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/signup");
        var email = MemoPages.NewEmail();
        await page.Field("Email").FillAsync(email);
        await page.Field("Password").FillAsync(MemoPages.Password);
        await page.Button("Sign up").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Memo cannot reach its sign-in service right now.");
        await Expect(page.Field("Email")).ToHaveValueAsync(email);
        await page.CheckScreenAsync("auth-unavailable");

        await using var auth = await host.Memo.Stack.StartAuthAsync(LocalMemoHost.FastAuthSettings, authUrl.Port);
        await page.Field("Password").FillAsync(MemoPages.Password);
        await page.Button("Sign up").ClickAsync();
        await Expect(page).ToHaveURLAsync(MemoPages.HomePage());
        var banner = page.GetByRole(AriaRole.Alert);
        await Expect(banner).ToContainTextAsync("Memo cannot reach your notes right now.");
        await page.CheckScreenAsync("notes-unavailable");

        // A page rendered on the server alone shows the same banner on the error page, with a 503 and no stack trace.
        var failed = await page.GotoAsync($"/memos/{Guid.NewGuid()}");
        Assert.Equal((int)HttpStatusCode.ServiceUnavailable, failed!.Status);
        Assert.DoesNotContain("Exception", await failed.TextAsync());
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Memo cannot reach your notes right now.");
        await Expect(page.Link("Try again")).ToBeVisibleAsync();

        await page.GotoAsync("/");
        await page.WaitForLiveSearchAsync();
        await using var notes = await host.Memo.Stack.StartNotesAsync(auth.Url, LocalMemoHost.FastNotesSettings, notesUrl.Port);
        await page.Button("Try again").ClickAsync();
        await Expect(banner).ToHaveCountAsync(0);
        await Expect(page.GetByText("You have no notes yet.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_open_page_keeps_its_live_connection_through_the_gateway_beyond_a_request_timeout()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        var closed = 0;
        page.WebSocket += (_, socket) => socket.Close += (_, _) => Interlocked.Increment(ref closed);
        await page.SignUpAsync();
        await page.CreateNoteAsync("still live", "x");
        await page.GotoAsync("/");
        await page.WaitForLiveSearchAsync();

        // Longer than the gateway gives an ordinary request to Memo.Web (Gateway:Web:Timeout, 30 s).
        await page.WaitForTimeoutAsync(35_000);
        await page.Field("Search").FillAsync("live");
        await page.Field("Search").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Results for “live”: 1");
        Assert.Equal(0, closed);
    }

    [Theory]
    [InlineData("/signin")]
    [InlineData("/signup")]
    [InlineData("/signout")]
    public async Task A_form_post_without_the_antiforgery_token_is_refused(string path)
    {
        using var http = new HttpClient { BaseAddress = host.Url };
        using var response = await http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = path.TrimStart('/'),
            ["Input.Email"] = "someone@example.com",
            ["Input.Password"] = MemoPages.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>Presses Tab until <paramref name="selector"/> has the focus, then checks the focus can be seen.</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var presses = 0; presses < 40; presses++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                await AssertFocusVisibleAsync(page, selector);
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Fail($"Tab never reached {selector}.");
    }

    private static async Task AssertFocusVisibleAsync(IPage page, string selector)
    {
        var outline = await page.EvaluateAsync<JsonElement>("""
            s => {
                const e = document.activeElement;
                const style = getComputedStyle(e);
                return { matches: e.matches(s), focusVisible: e.matches(':focus-visible'), style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
            }
            """, selector);
        Assert.True(outline.GetProperty("matches").GetBoolean(), $"focus is not on {selector}");
        Assert.True(outline.GetProperty("focusVisible").GetBoolean(), $"{selector} has the focus but not :focus-visible");
        Assert.NotEqual("none", outline.GetProperty("style").GetString());
        Assert.True(outline.GetProperty("width").GetDouble() >= 2, $"{selector}: focus outline thinner than 2px");
    }

    // Three base64url parts, the first two JSON objects: what a JWT looks like.
    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+")]
    private static partial Regex JwtShape();
}
