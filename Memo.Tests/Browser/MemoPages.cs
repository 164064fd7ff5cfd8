using System.Text.RegularExpressions;

using Microsoft.Playwright;

namespace Memo.Tests.Browser;

/// <summary>What a person does in Memo.Web, in its English UI, as page steps the tests share.</summary>
public static partial class MemoPages
{
    public const string Password = "correct horse battery";

    public static string NewEmail() => $"ann-{Guid.NewGuid().ToString("N")[..8]}@example.com";

    public static ILocator Button(this IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public static ILocator Link(this IPage page, string name) => page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    public static ILocator Field(this IPage page, string label) => page.GetByLabel(label, new() { Exact = true });

    public static ILocator Heading(this IPage page) => page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    /// <summary>Signs up through the form (which signs the new account in) and returns the email.</summary>
    public static async Task<string> SignUpAsync(this IPage page, string? email = null)
    {
        email ??= NewEmail();
        await page.GotoAsync("/signup");
        await page.Field("Email").FillAsync(email);
        await page.Field("Password").FillAsync(Password);
        await page.Button("Sign up").ClickAsync();
        await page.WaitForURLAsync(HomePage());
        return email;
    }

    public static async Task SignInAsync(this IPage page, string email, string password = Password)
    {
        await page.GotoAsync("/signin");
        await page.Field("Email").FillAsync(email);
        await page.Field("Password").FillAsync(password);
        await page.Button("Sign in").ClickAsync();
        await page.WaitForURLAsync(HomePage());
    }

    /// <summary>Writes a note through the editor and returns its page's path (/memos/{id}).</summary>
    public static async Task<string> CreateNoteAsync(this IPage page, string title, string content, string tags = "")
    {
        await page.GotoAsync("/memos/new");
        await page.Field("Title").FillAsync(title);
        await page.Field("Content").FillAsync(content);
        await page.Field("Tags").FillAsync(tags);
        await page.Button("Save").ClickAsync();
        await page.WaitForURLAsync(NotePage());
        await Assertions.Expect(page.Heading()).ToHaveTextAsync(title);
        return new Uri(page.Url).AbsolutePath;
    }

    /// <summary>Waits until the notes list is interactive (its circuit is up and the search box's script attached).</summary>
    public static Task WaitForLiveSearchAsync(this IPage page) =>
        page.Locator("form.search[data-live]").WaitForAsync();

    public static Regex HomePage() => HomePath();

    public static Regex NotePage() => NotePath();

    public static Regex SignInPage() => SignInPath();

    [GeneratedRegex(@"^https?://[^/]+/(\?.*)?$")]
    private static partial Regex HomePath();

    [GeneratedRegex(@"^https?://[^/]+/memos/[0-9a-f-]{36}$")]
    private static partial Regex NotePath();

    [GeneratedRegex(@"^https?://[^/]+/signin(\?.*)?$")]
    private static partial Regex SignInPath();
}
