using System.Text.RegularExpressions;
using System.Xml.Linq;

using Memo.DevHost.Infrastructure;
using Memo.Web.Errors;

namespace Memo.Tests.Browser;

/// <summary>Every text Memo.Web shows exists in English and in Korean (a missing key would show its name instead).</summary>
public sealed partial class WebStringsTests
{
    private static readonly string WebRoot = Path.Combine(ServiceProcess.RepositoryRoot, "Memo.Web");

    [Fact]
    public void Every_key_the_UI_uses_has_an_English_and_a_Korean_text()
    {
        var english = Read("Strings.resx");
        var korean = Read("Strings.ko.resx");
        Assert.Equal(english.Keys.Order(), korean.Keys.Order());
        Assert.All(english.Concat(korean), text => Assert.False(string.IsNullOrWhiteSpace(text.Value), text.Key));

        var used = Directory.EnumerateFiles(WebRoot, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => LocalizerKey().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Concat(Enum.GetNames<MemoService>().Select(s => $"Unavailable.{s}"))
            .ToHashSet();
        Assert.NotEmpty(used);
        Assert.Empty(used.Except(english.Keys));
    }

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(WebRoot, "Localization", file)).Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    [GeneratedRegex(@"\bL\[""([A-Za-z.]+)""")]
    private static partial Regex LocalizerKey();
}
