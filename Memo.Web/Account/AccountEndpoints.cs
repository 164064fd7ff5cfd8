using Memo.Web.Components;
using Memo.Web.Errors;
using Memo.Web.Sessions;

using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Memo.Web.Account;

public static class AccountEndpoints
{
    /// <summary>The sign-out buttons' form posts (antiforgery-checked, as every form here).</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/signout", (HttpContext http, BrowserSessions sessions) => SignOutAsync(http, sessions, everywhere: false))
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .ExcludeFromDescription();
        routes.MapPost("/signout-everywhere", (HttpContext http, BrowserSessions sessions) => SignOutAsync(http, sessions, everywhere: true))
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .RequireAuthorization()
            .ExcludeFromDescription();
        return routes;
    }

    private static async Task<Results<RedirectHttpResult, BadRequest>> SignOutAsync(HttpContext http, BrowserSessions sessions, bool everywhere)
    {
        // UseAntiforgery checked the token (the metadata above asks it to); an endpoint without form parameters acts on the result itself.
        if (http.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
        {
            return TypedResults.BadRequest();
        }

        try
        {
            await sessions.SignOutAsync(http, everywhere, http.RequestAborted);
        }
        catch (ServiceUnavailableException e)
        {
            // Signing out everywhere needs Auth; say so and stay signed in here.
            return TypedResults.Redirect($"{Links.Account}?unavailable={e.Service}");
        }

        return TypedResults.Redirect(Links.SignedOut);
    }
}
