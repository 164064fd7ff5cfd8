namespace Memo.Web.Sessions;

/// <summary>
/// The device token Memo.Auth issues at sign-in, kept in a long-lived HttpOnly cookie of its own and presented at the
/// next sign-in from this browser, so that failures elsewhere do not throttle it.
/// </summary>
public static class DeviceCookie
{
    public const string Name = "memo.device";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(180);

    public static string? Read(HttpContext http) => http.Request.Cookies[Name] is { Length: > 0 } value ? value : null;

    public static void Write(HttpContext http, string deviceToken, DateTimeOffset now) =>
        http.Response.Cookies.Append(Name, deviceToken, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Expires = now + Lifetime,
            IsEssential = true,
        });
}
