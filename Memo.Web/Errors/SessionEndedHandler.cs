using Memo.Web.Components;

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics;

namespace Memo.Web.Errors;

/// <summary>A page that found the session over (signed out elsewhere, revoked) sends the browser to sign in, with a message.</summary>
public sealed class SessionEndedHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not SessionEndedException && exception.InnerException is not SessionEndedException)
        {
            return false;
        }

        await httpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        httpContext.Response.Redirect(Links.SessionEnded);
        return true;
    }
}
