using System.Globalization;

using Memo.Web.Apis;
using Memo.Web.Components;
using Memo.Web.Errors;
using Memo.Web.Sessions;

using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Memo.Web.Account;

public static class AccountEndpoints
{
    /// <summary>The sign-out buttons' form posts (antiforgery-checked, as every form here) and the notes' download.</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/signout", (HttpContext http, BrowserSessions sessions) => SignOutAsync(http, sessions, everywhere: false))
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
        routes.MapPost("/signout-everywhere", (HttpContext http, BrowserSessions sessions) => SignOutAsync(http, sessions, everywhere: true))
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .RequireAuthorization();
        routes.MapGet(Links.ExportNotes, ExportAsync).RequireAuthorization();
        return routes;
    }

    // Notes' export copied on as it arrives (never whole in memory here), with the session's token added on the way in:
    // the browser gets the notes and nothing else.
    private static async Task<Results<FileStreamHttpResult, RedirectHttpResult>> ExportAsync(HttpContext http, NotesApi notes, TimeProvider time)
    {
        HttpResponseMessage export;
        try
        {
            export = await notes.ExportAsync(SessionCookie.SessionId(http.User), http.RequestAborted);
        }
        catch (ServiceUnavailableException e)
        {
            return TypedResults.Redirect($"{Links.Account}?unavailable={e.Service}");
        }

        http.Response.RegisterForDispose(export);
        var date = time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return TypedResults.Stream(await export.Content.ReadAsStreamAsync(http.RequestAborted), "application/json; charset=utf-8",
            $"memo-notes-{date}.json");
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
