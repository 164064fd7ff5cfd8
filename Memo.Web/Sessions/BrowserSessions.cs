using Memo.Web.Apis;
using Memo.Web.Errors;

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Memo.Web.Sessions;

/// <summary>Signs a browser in (Auth's tokens into the store, a session cookie out) and out again.</summary>
public sealed class BrowserSessions(AuthApi auth, SessionStore store, TimeProvider time)
{
    public async Task<LoginResult> SignInAsync(HttpContext http, string email, string password, CancellationToken ct)
    {
        var result = await auth.LoginAsync(email, password, DeviceCookie.Read(http), http.Connection.RemoteIpAddress, ct);
        if (result is LoginResult.SignedIn { Tokens: var tokens })
        {
            var now = time.GetUtcNow();
            var sessionId = await store.CreateAsync(SessionTokens.From(tokens, now));
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SessionCookie.Principal(sessionId, email.Trim()),
                new AuthenticationProperties { IsPersistent = true });
            if (tokens.DeviceToken is { } device)
            {
                DeviceCookie.Write(http, device, now);
            }
        }

        return result;
    }

    /// <summary>
    /// Ends the browser's session at Auth and here. <paramref name="everywhere"/> ends every session of the user, so
    /// Auth must confirm it (a <see cref="ServiceUnavailableException"/> otherwise); a single sign-out succeeds anyway,
    /// since the tokens are deleted here and nothing else holds them.
    /// </summary>
    public async Task SignOutAsync(HttpContext http, bool everywhere, CancellationToken ct)
    {
        if (http.User.FindFirst(SessionCookie.SessionIdClaim)?.Value is { } sessionId)
        {
            try
            {
                await auth.LogoutAsync(sessionId, everywhere, ct);
            }
            catch (SessionEndedException)
            {
                // Already over at Auth.
            }
            catch (ServiceUnavailableException) when (!everywhere)
            {
                // The tokens go below; nobody else has them.
            }
        }

        await EndHereAsync(http);
    }

    /// <summary>Ends the browser's session here only (its tokens and its cookie): for a session Auth has already ended.</summary>
    public async Task EndHereAsync(HttpContext http)
    {
        if (http.User.FindFirst(SessionCookie.SessionIdClaim)?.Value is { } sessionId)
        {
            await store.DeleteAsync(sessionId);
        }

        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
