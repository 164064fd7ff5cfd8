using System.Text.Encodings.Web;
using System.Text.Unicode;

using Memo.Web.Components;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.WebUtilities;

namespace Memo.Web.Localization;

/// <summary>
/// English and Korean: picked from the browser's Accept-Language, or from the culture cookie once the visitor chose
/// one with the switch in the header.
/// </summary>
public static class Cultures
{
    public const string English = "en";
    public const string Korean = "ko";

    /// <summary>Each language by its own name, as a switch shows them.</summary>
    public static readonly IReadOnlyList<(string Culture, string Name)> Names = [(English, "English"), (Korean, "한국어")];

    public static IServiceCollection AddMemoLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        // Korean text leaves as UTF-8 rather than as character references (3 bytes a syllable instead of 8).
        services.AddWebEncoders(encoders => encoders.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(options =>
        {
            var cultures = Names.Select(n => n.Culture).ToArray();
            options.SetDefaultCulture(English).AddSupportedCultures(cultures).AddSupportedUICultures(cultures);
            options.ApplyCurrentCultureToResponseHeaders = true;
        });
        return services;
    }

    public static string SwitchLink(string culture, string returnUrl) =>
        QueryHelpers.AddQueryString($"/culture/{culture}", "returnUrl", returnUrl);

    /// <summary><c>GET /culture/{culture}?returnUrl=/...</c>: remembers the choice for a year and goes back.</summary>
    public static IEndpointRouteBuilder MapCultureSwitch(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/culture/{culture}", Results<RedirectHttpResult, NotFound> (string culture, string? returnUrl, HttpContext http, TimeProvider time) =>
        {
            if (!Names.Any(n => n.Culture == culture))
            {
                return TypedResults.NotFound();
            }

            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = time.GetUtcNow().AddYears(1), IsEssential = true });
            return TypedResults.Redirect(Links.LocalOrHome(returnUrl));
        });
        return routes;
    }
}
