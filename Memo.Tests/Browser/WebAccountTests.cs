using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

using Memo.DevHost.Infrastructure;
using Memo.Tests.Hosting;
using Memo.Tests.Local;

using Microsoft.Playwright;

using static Microsoft.Playwright.Assertions;

namespace Memo.Tests.Browser;

/// <summary>Memo.Web's account page in real Chromium: a new password, the notes to take away, and leaving for good.</summary>
public sealed class WebAccountTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private const string NewPassword = "a brand new passphrase";

    [Fact]
    public async Task Changing_the_password_keeps_this_session_ends_the_others_and_only_the_new_password_signs_in()
    {
        await using var first = await host.NewContextAsync();
        var here = await first.NewPageAsync();
        var email = await here.SignUpAsync();
        await using var second = await host.NewContextAsync();
        var there = await second.NewPageAsync();
        await there.SignInAsync(email);

        // A wrong current password, then a new one against the rules: each error beside its field.
        await here.GotoAsync("/account");
        await here.Field("Current password").FillAsync("not my password");
        await here.Field("New password").FillAsync(NewPassword);
        await here.Button("Change password").ClickAsync();
        await Expect(here.Locator("#current-password-error")).ToHaveTextAsync("The password is not right.");
        await Expect(here.Field("Current password")).ToHaveAttributeAsync("aria-invalid", "true");
        await here.CheckScreenAsync("account-password-error");

        await here.Field("Current password").FillAsync(MemoPages.Password);
        await here.Field("New password").FillAsync("short");
        await here.Button("Change password").ClickAsync();
        await Expect(here.Locator("#new-password-error")).ToBeVisibleAsync();
        await Expect(here.Field("New password")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(here.Locator("#current-password-error")).ToHaveCountAsync(0);

        await here.Field("Current password").FillAsync(MemoPages.Password);
        await here.Field("New password").FillAsync(NewPassword);
        await here.Button("Change password").ClickAsync();
        await Expect(here.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your password was changed. Your other sessions were signed out.");
        await Expect(here.Field("New password")).ToHaveValueAsync("");
        await here.CheckScreenAsync("account-password-changed");

        // This browser goes on; the other one's session has ended (Notes refuses it within a second).
        await here.GotoAsync("/");
        await Expect(here.Heading()).ToHaveTextAsync("Notes");
        await there.WaitForTimeoutAsync(1500);
        await there.GotoAsync("/");
        await Expect(there).ToHaveURLAsync(MemoPages.SignInPage());
        await Expect(there.GetByText("Your session has ended")).ToBeVisibleAsync();

        // Only the new password signs in.
        await there.Field("Email").FillAsync(email);
        await there.Field("Password").FillAsync(MemoPages.Password);
        await there.Button("Sign in").ClickAsync();
        await Expect(there.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or password is not right.");
        await there.SignInAsync(email, NewPassword);
        await Expect(there.Heading()).ToHaveTextAsync("Notes");
    }

    [Fact]
    public async Task Wrong_current_passwords_count_as_failed_sign_ins_and_the_page_says_how_long_to_wait()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignUpAsync();
        await page.GotoAsync("/account");

        // Auth gives an account 3 free failures; the next attempt waits (a minute at first).
        var alert = page.GetByRole(AriaRole.Alert);
        for (var attempt = 1; attempt <= 5 && await alert.CountAsync() == 0; attempt++)
        {
            await page.Field("Current password").FillAsync($"guess {attempt}");
            await page.Field("New password").FillAsync(NewPassword);
            await page.Button("Change password").ClickAsync();
            await Expect(page.Locator("#current-password-error").Or(alert)).ToBeVisibleAsync();
        }

        await Expect(alert).ToHaveTextAsync(new Regex(@"^Too many failed sign-ins\. Try again in \d+ minutes\.$"));
    }

    [Fact]
    public async Task Export_downloads_the_user_s_notes_as_a_JSON_file_without_any_token()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        await WriteNotesAsync(await page.SignUpAsync(), new NoteBody("메모장 시스템 설계", "게이트웨이", ["설계"]), new NoteBody("Shopping list", "milk, eggs"));

        await page.GotoAsync("/account");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Link("Download my notes").ClickAsync());
        Assert.Matches(@"^memo-notes-\d{4}-\d{2}-\d{2}\.json$", download.SuggestedFilename);
        var file = await File.ReadAllTextAsync(await download.PathAsync());
        using (var notes = JsonDocument.Parse(file))
        {
            Assert.Equal(["Shopping list", "메모장 시스템 설계"], notes.RootElement.EnumerateArray().Select(n => n.GetProperty("title").GetString()).Order());
        }

        // The same download with its headers (the browser's cookies): an attachment, and no token of the session anywhere.
        var response = await context.APIRequest.GetAsync("/account/export", new() { MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.OK, response.Status);
        Assert.StartsWith("application/json", response.Headers["content-type"], StringComparison.Ordinal);
        Assert.Matches(@"^attachment; filename=""?memo-notes-\d{4}-\d{2}-\d{2}\.json", response.Headers["content-disposition"]);
        var seen = string.Join('\n', response.HeadersArray.Select(h => $"{h.Name}: {h.Value}").Append(await response.TextAsync()).Append(file));
        Assert.DoesNotContain("eyJ", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("bearer", seen, StringComparison.OrdinalIgnoreCase);
        await using var sessions = await ServerSessions.ConnectAsync(host.Memo.Stack.Redis.ConnectionString);
        var stored = await sessions.AllAsync();
        Assert.NotEmpty(stored);
        Assert.All(stored.Values, session =>
        {
            Assert.DoesNotContain(session.Tokens.AccessToken, seen, StringComparison.Ordinal);
            Assert.DoesNotContain(session.Tokens.RefreshToken, seen, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Export_while_Notes_is_down_returns_to_the_account_page_with_the_banner()
    {
        // A Web instance whose Notes is not running, with the real Auth.
        var notesUrl = new Uri($"http://127.0.0.1:{Ports.FindFree()}");
        await using var web = await host.StartWebAsync(host.Memo.AuthServiceUrl, notesUrl);
        await using var context = await host.NewContextAsync(url: web.Url);
        var page = await context.NewPageAsync();
        await page.SignUpAsync();

        await page.GotoAsync("/account");
        await page.Link("Download my notes").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(web.Url, "/account?unavailable=Notes").ToString());
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Memo cannot reach your notes right now.");
        await Expect(page.Heading()).ToHaveTextAsync("Account");
    }

    [Fact]
    public async Task Deleting_the_account_names_what_is_lost_asks_the_password_signs_out_and_its_notes_go()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        var email = await page.SignUpAsync();
        var tokens = await WriteNotesAsync(email, new NoteBody("to be deleted", "x"));
        using var api = new MemoClient(host.Memo);
        Guid userId;
        using (var me = await api.Auth(HttpMethod.Get, "/auth/me", token: tokens.AccessToken))
        {
            userId = (await me.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        // A second step that says what goes.
        await page.GotoAsync("/account");
        await page.Link("Delete account").ClickAsync();
        await Expect(page.Heading()).ToHaveTextAsync("Delete account");
        var losses = page.GetByRole(AriaRole.List, new() { Name = "Deleting your account cannot be undone. You lose:" });
        await Expect(losses.GetByRole(AriaRole.Listitem)).ToHaveTextAsync(
            ["all your notes", "your sessions on every device", "your email address: it will be free to register again"]);
        await page.CheckScreenAsync("delete-account");

        // A wrong password is refused beside its field, and the account stays.
        await page.Field("Current password").FillAsync("not my password");
        await page.Button("Delete my account").ClickAsync();
        await Expect(page.Locator("#current-password-error")).ToHaveTextAsync("The password is not right.");
        await Expect(page.Field("Current password")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.CheckScreenAsync("delete-account-error");
        Assert.Single((await api.ListAsync(tokens.AccessToken)).Items);

        // The right one: signed out here, with a message.
        await page.Field("Current password").FillAsync(MemoPages.Password);
        await page.Button("Delete my account").ClickAsync();
        await Expect(page).ToHaveURLAsync(MemoPages.SignInPage());
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your account was deleted, with your notes.");
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "memo.session");
        await page.GotoAsync("/account");
        await Expect(page).ToHaveURLAsync(MemoPages.SignInPage());

        // The account is gone: no sign-in, its notes leave notesdb, and its email registers anew with nothing in it.
        await page.Field("Email").FillAsync(email);
        await page.Field("Password").FillAsync(MemoPages.Password);
        await page.Button("Sign in").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or password is not right.");
        await host.Memo.AssertNotesGoneAsync(userId);
        await page.SignUpAsync(email);
        await Expect(page.GetByText("You have no notes yet.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_account_forms_refuse_a_post_without_the_antiforgery_token_even_with_the_session_cookie()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        var email = await page.SignUpAsync();

        Task<IAPIResponse> PostAsync(string path, string form, string? antiforgery = null)
        {
            var data = context.APIRequest.CreateFormData()
                .Set("_handler", form)
                .Set("Input.CurrentPassword", MemoPages.Password)
                .Set("Input.NewPassword", NewPassword);
            return context.APIRequest.PostAsync(path, new() { Form = antiforgery is null ? data : data.Set("__RequestVerificationToken", antiforgery), MaxRedirects = 0 });
        }

        Assert.Equal((int)HttpStatusCode.BadRequest, (await PostAsync("/account", "password")).Status);
        Assert.Equal((int)HttpStatusCode.BadRequest, (await PostAsync("/account/delete", "delete-account")).Status);
        using (var api = new MemoClient(host.Memo))
        {
            await api.LoginAsync(email, MemoPages.Password); // neither the password nor the account changed
        }

        // The same post with the page's token goes through: the token was all that was missing.
        await page.GotoAsync("/account");
        var token = await page.Locator("form:has(#current-password) input[name=__RequestVerificationToken]").InputValueAsync();
        var changed = await PostAsync("/account", "password", token);
        Assert.Equal((int)HttpStatusCode.OK, changed.Status);
        Assert.Contains("Your password was changed.", await changed.TextAsync(), StringComparison.Ordinal);
    }

    /// <summary>Writes the user's notes through the API, in a session of its own, and returns that session.</summary>
    private async Task<Tokens> WriteNotesAsync(string email, params NoteBody[] notes)
    {
        using var api = new MemoClient(host.Memo);
        var tokens = await api.LoginAsync(email, MemoPages.Password);
        foreach (var note in notes)
        {
            await api.CreateNoteAsync(tokens.AccessToken, note);
        }

        return tokens;
    }
}
