using System.ComponentModel.DataAnnotations;

namespace Memo.Web.Sessions;

/// <summary>Section <c>Session</c>: how long a browser session lasts and when its access token is replaced.</summary>
public sealed class WebSessionOptions
{
    public const string SectionName = "Session";

    /// <summary>An access token this close to its expiry is refreshed before it is used.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A session cookie unused this long stops working; a used one slides. Auth's refresh lifetime bounds it in any case.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "90.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromDays(14);
}
