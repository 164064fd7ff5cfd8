using System.Text.Json;

using Memo.DevHost.Infrastructure;

using Microsoft.Playwright;

namespace Memo.Tests.Browser;

/// <summary>
/// Every main screen is checked with axe-core (from npm: Memo.Tests/Browser/package.json, installed by <c>npm ci</c>)
/// and kept as a screenshot in the test output: MEMO_TEST_ARTIFACTS, else artifacts/screenshots at the repository root.
/// </summary>
public static class Screens
{
    public static readonly string ScreenshotDirectory = Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("MEMO_TEST_ARTIFACTS") is { Length: > 0 } artifacts
            ? Path.Combine(artifacts, "screenshots")
            : Path.Combine(ServiceProcess.RepositoryRoot, "artifacts", "screenshots")).FullName;

    private static readonly string AxeScript = Path.Combine(ServiceProcess.RepositoryRoot, "Memo.Tests", "Browser", "node_modules", "axe-core", "axe.min.js");

    /// <summary>Saves a screenshot named <paramref name="name"/> and asserts axe finds no serious or critical violation.</summary>
    public static async Task CheckScreenAsync(this IPage page, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{name}.png"), FullPage = true });
        await page.AssertAccessibleAsync(name);
    }

    public static async Task AssertAccessibleAsync(this IPage page, string screen)
    {
        Assert.True(File.Exists(AxeScript), $"axe-core is not installed: run `npm ci` in Memo.Tests/Browser ({AxeScript}).");
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = AxeScript });
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)
            """);
        var found = violations.EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.True(found.Count == 0, $"axe on the {screen} screen:{Environment.NewLine}{string.Join(Environment.NewLine, found)}");
    }
}
