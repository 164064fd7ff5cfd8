using System.Globalization;

namespace Memo.Web.Components;

public static class Dates
{
    /// <summary>A note's time in the reader's language. The server does not know the reader's time zone, so it says UTC.</summary>
    public static string Show(DateTimeOffset time) => $"{time.UtcDateTime.ToString("g", CultureInfo.CurrentCulture)} UTC";

    /// <summary>The machine-readable form for <c>&lt;time datetime&gt;</c>.</summary>
    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
