using System.Security.Claims;

using Memo.Web.Components;
using Memo.Web.Errors;

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Memo.Web.Sessions;

/// <summary>
/// The browser's cookie: encrypted by Data Protection, HttpOnly, and holding only a random session id and the email to
/// show. The tokens stay in <see cref="SessionStore"/>.
/// </summary>
public static class SessionCookie
{
    public const string Name = "memo.session";
    public const string SessionIdClaim = "sid";

    public static ClaimsPrincipal Principal(string sessionId, string email) => new(new ClaimsIdentity(
        [new Claim(SessionIdClaim, sessionId), new Claim(ClaimTypes.Name, email)],
        CookieAuthenticationDefaults.AuthenticationScheme));

    /// <summary>The session id of a signed-in browser; <see cref="SessionEndedException"/> without one.</summary>
    public static string SessionId(ClaimsPrincipal user) => user.FindFirst(SessionIdClaim)?.Value ?? throw new SessionEndedException();

    /// <summary>HttpOnly, Secure (outside Development) and SameSite=Lax come from the cookie policy every cookie here follows.</summary>
    public static void Configure(CookieAuthenticationOptions cookie, WebSessionOptions session)
    {
        cookie.Cookie.Name = Name;
        cookie.ExpireTimeSpan = session.IdleTimeout;
        cookie.SlidingExpiration = true;
        cookie.LoginPath = Links.SignIn;
        cookie.AccessDeniedPath = Links.SignIn;
        cookie.ReturnUrlParameter = "returnUrl";
        cookie.Events.OnValidatePrincipal = ValidateAsync;
    }

    // The cookie is only as good as its session: once the session is gone from the store (signed out, refused by
    // Auth, expired with its refresh token), the cookie is dropped.
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var sessionId = context.Principal?.FindFirst(SessionIdClaim)?.Value;
        bool exists;
        try
        {
            exists = sessionId is not null && await context.HttpContext.RequestServices.GetRequiredService<SessionStore>().ExistsAsync(sessionId);
        }
        catch (ServiceUnavailableException)
        {
            return; // Redis is down: keep the user; the pages say what is unavailable.
        }

        if (!exists)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}
