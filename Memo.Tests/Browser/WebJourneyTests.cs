using Memo.Tests.Hosting;

using Microsoft.Playwright;

using static Microsoft.Playwright.Assertions;

namespace Memo.Tests.Browser;

/// <summary>Memo.Web in real Chromium: what a person does with their notes, from signing up to signing out.</summary>
public sealed class WebJourneyTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private const string KoreanTitle = "메모장 시스템 설계";

    [Fact]
    public async Task A_person_signs_up_writes_a_Korean_note_finds_it_edits_it_resolves_a_conflict_deletes_it_and_signs_out()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();

        // Signed out, Memo asks to sign in; sign up is one link away.
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(MemoPages.SignInPage());
        await Expect(page.Heading()).ToHaveTextAsync("Sign in");
        await page.CheckScreenAsync("sign-in");
        await page.Link("Sign up").First.ClickAsync();
        await Expect(page.Heading()).ToHaveTextAsync("Sign up");
        await page.CheckScreenAsync("sign-up");

        // The API's validation error shows beside its field.
        var email = MemoPages.NewEmail();
        await page.Field("Email").FillAsync(email);
        await page.Field("Password").FillAsync("short");
        await page.Button("Sign up").ClickAsync();
        await Expect(page.Locator("#password-error")).ToBeVisibleAsync();
        await Expect(page.Field("Password")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.Field("Password").FillAsync(MemoPages.Password);
        await page.Button("Sign up").ClickAsync();
        await Expect(page).ToHaveURLAsync(MemoPages.HomePage());
        await Expect(page.GetByText("You have no notes yet.")).ToBeVisibleAsync();

        // Sign out, then in again.
        await page.Button("Sign out").ClickAsync();
        await Expect(page.GetByText("You signed out.")).ToBeVisibleAsync();
        await page.Field("Email").FillAsync(email);
        await page.Field("Password").FillAsync("not the password");
        await page.Button("Sign in").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or password is not right.");
        await page.SignInAsync(email);

        // Two notes, one with a Korean title; an over-long tag is refused by the API, beside the tags field.
        await page.GotoAsync("/memos/new");
        await page.Field("Title").FillAsync(KoreanTitle);
        await page.Field("Content").FillAsync("게이트웨이, 인증, 메모 서비스");
        await page.Field("Tags").FillAsync($"design, {new string('x', 40)}");
        await page.Button("Save").ClickAsync();
        await Expect(page.Locator("#tags-error")).ToContainTextAsync("32 characters");
        await page.CheckScreenAsync("note-editor-error");
        await page.Field("Tags").FillAsync("design, 설계");
        await page.Button("Save").ClickAsync();
        await Expect(page).ToHaveURLAsync(MemoPages.NotePage());
        await Expect(page.Heading()).ToHaveTextAsync(KoreanTitle);
        var koreanNote = new Uri(page.Url).AbsolutePath;
        await page.CheckScreenAsync("note");
        await page.CreateNoteAsync("Shopping list", "milk, eggs", "home");

        // The list, newest first.
        await page.GotoAsync("/");
        var titles = page.Locator(".note-list h2");
        await Expect(titles).ToHaveTextAsync(["Shopping list", KoreanTitle]);
        await page.WaitForLiveSearchAsync();
        await page.CheckScreenAsync("notes");

        // Search as you type with a Korean IME: nothing is searched while 메모 is being composed.
        await SearchWithImeAsync(page, ["ㅁ", "메", "멤", "메모"], "메모", () => Expect(titles).ToHaveTextAsync(["Shopping list", KoreanTitle]));
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Results for “메모”: 1");
        await Expect(titles).ToHaveTextAsync([KoreanTitle]);
        await page.CheckScreenAsync("search");

        // The tag filter.
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Show notes tagged home" }).ClickAsync();
        await Expect(titles).ToHaveTextAsync(["Shopping list"]);
        await page.Link("Show all notes").ClickAsync();
        await Expect(titles).ToHaveCountAsync(2);

        // Edit.
        await page.GotoAsync(koreanNote);
        await page.Link("Edit").ClickAsync();
        await page.CheckScreenAsync("note-editor");
        await page.Field("Content").FillAsync("edited once");
        await page.Button("Save").ClickAsync();
        await Expect(page.Locator(".note-content")).ToHaveTextAsync("edited once");

        // A second tab saves first: this tab sees the conflict, reloads the latest version, then overwrites another one.
        await page.GotoAsync(koreanNote + "/edit");
        var other = await context.NewPageAsync();
        await other.GotoAsync(koreanNote + "/edit");
        await other.Field("Content").FillAsync("from the other tab");
        await other.Button("Save").ClickAsync();
        await Expect(other.Locator(".note-content")).ToHaveTextAsync("from the other tab");

        await page.Field("Content").FillAsync("from this tab");
        await page.Button("Save").ClickAsync();
        var conflict = page.GetByRole(AriaRole.Alertdialog, new() { Name = "This note changed elsewhere" });
        await Expect(conflict).ToBeVisibleAsync();
        await page.CheckScreenAsync("conflict");
        await page.Link("Reload the latest version").ClickAsync();
        await Expect(page.Field("Content")).ToHaveValueAsync("from the other tab");

        await other.GotoAsync(koreanNote + "/edit");
        await other.Field("Content").FillAsync("the other tab, again");
        await other.Button("Save").ClickAsync();
        await Expect(other.Locator(".note-content")).ToHaveTextAsync("the other tab, again");
        await page.Field("Content").FillAsync("this tab wins");
        await page.Button("Save").ClickAsync();
        await Expect(conflict).ToBeVisibleAsync();
        await page.Button("Overwrite with my version").ClickAsync();
        await Expect(page).ToHaveURLAsync(MemoPages.NotePage());
        await Expect(page.Locator(".note-content")).ToHaveTextAsync("this tab wins");
        await other.CloseAsync();

        // Delete, after a confirmation. A confirmation left open in another tab then finds the note gone.
        var late = await context.NewPageAsync();
        await late.GotoAsync(koreanNote + "/delete");
        await page.Link("Delete").ClickAsync();
        await Expect(page.GetByText($"Delete “{KoreanTitle}”? This cannot be undone.")).ToBeVisibleAsync();
        await page.CheckScreenAsync("delete");
        await page.Button("Delete note").ClickAsync();
        await Expect(page.GetByText("The note was deleted.")).ToBeVisibleAsync();
        await Expect(titles).ToHaveTextAsync(["Shopping list"]);
        await page.GotoAsync(koreanNote);
        await Expect(page.Heading()).ToHaveTextAsync("Not found");
        await late.Button("Delete note").ClickAsync();
        await Expect(late.Heading()).ToHaveTextAsync("Not found");
        await late.CloseAsync();

        // Sign out: the notes are behind sign-in again.
        await page.Button("Sign out").ClickAsync();
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(MemoPages.SignInPage());
    }

    [Fact]
    public async Task More_notes_come_on_demand_newest_first_through_the_API_s_cursor()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        var email = await page.SignUpAsync();
        using (var api = new MemoClient(host.Memo))
        {
            var token = (await api.LoginAsync(email, MemoPages.Password)).AccessToken;
            for (var n = 1; n <= 25; n++)
            {
                await api.CreateNoteAsync(token, new NoteBody($"note {n:00}", "x"));
            }
        }

        await page.GotoAsync("/");
        await page.WaitForLiveSearchAsync();
        var titles = page.Locator(".note-list h2");
        await Expect(titles).ToHaveCountAsync(Memo.Web.Apis.NotesApi.PageSize);
        await Expect(titles.First).ToHaveTextAsync("note 25");
        await page.Button("More notes").ClickAsync();
        await Expect(titles).ToHaveCountAsync(25);
        await Expect(titles.Last).ToHaveTextAsync("note 01");
        await Expect(page.Button("More notes")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// Types <paramref name="committed"/> into the search box the way a Korean IME does (Chromium DevTools Protocol:
    /// Input.imeSetComposition for each step, then Input.insertText to commit). After each step, longer than the
    /// search delay, <paramref name="unchanged"/> must still hold: no search ran in the middle of the composition.
    /// </summary>
    private static async Task SearchWithImeAsync(IPage page, string[] steps, string committed, Func<Task> unchanged)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await page.Field("Search").FocusAsync();
        foreach (var step in steps)
        {
            await cdp.SendAsync("Input.imeSetComposition", new Dictionary<string, object>
            {
                ["text"] = step,
                ["selectionStart"] = step.Length,
                ["selectionEnd"] = step.Length,
            });
            await page.WaitForTimeoutAsync(Memo.Web.Memos.NotesBrowser.SearchDelayMilliseconds * 2);
            await unchanged();
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("");
        }

        await cdp.SendAsync("Input.insertText", new Dictionary<string, object> { ["text"] = committed });
        await Expect(page.Field("Search")).ToHaveValueAsync(committed);
    }
}
