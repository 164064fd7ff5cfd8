using System.Security.Claims;

using Memo.Web.Components;
using Memo.Web.Errors;

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.StaticAssets;

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
    // Auth, expired with its refresh token), the cookie is dropped. The tokens read here serve the request's calls to
    // Auth and Notes (RequestSession). A static asset (CSS, scripts) is the same for everyone, so it costs no Redis read.
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        if (http.GetEndpoint()?.Metadata.GetMetadata<StaticAssetDescriptor>() is not null)
        {
            return;
        }

        var sessionId = context.Principal?.FindFirst(SessionIdClaim)?.Value;
        SessionTokens? tokens;
        try
        {
            tokens = sessionId is null ? null : await http.RequestServices.GetRequiredService<SessionStore>().FindAsync(sessionId);
        }
        catch (ServiceUnavailableException)
        {
            return; // Redis is down: keep the user; the pages say what is unavailable.
        }

        if (sessionId is null || tokens is null)
        {
            context.RejectPrincipal();
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        http.RequestServices.GetRequiredService<RequestSession>().Remember(sessionId, tokens);
    }
}
