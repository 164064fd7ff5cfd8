namespace Memo.Web.Localization;

/// <summary>
/// Every text of the UI, by key: <c>Strings.resx</c> (English, the fallback) and <c>Strings.ko.resx</c> (Korean).
/// Components read them through <c>IStringLocalizer&lt;Strings&gt;</c> (injected as <c>L</c> in _Imports.razor).
/// </summary>
public sealed class Strings;
