using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;

using StackExchange.Redis;

namespace Memo.Web.Sessions;

public static class SessionsExtensions
{
    public const string DataProtectionApplicationName = "Memo.Web";
    public const string DataProtectionKeysKey = "memo:web:data-protection-keys";

    /// <summary>
    /// Browser sessions backed by the server: the cookie, the token store and refresh. Data Protection keys live in Redis
    /// (<c>ConnectionStrings__cache</c>) under a fixed application name, so every Web replica reads every cookie and
    /// session, and a restart signs no one out.
    /// </summary>
    public static WebApplicationBuilder AddBrowserSessions(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<WebSessionOptions>(WebSessionOptions.SectionName);

        builder.Services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((options, redis) =>
            options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), DataProtectionKeysKey));

        // Every cookie Memo.Web sets (session, device, antiforgery, culture) is out of scripts' reach, and Secure
        // outside Development; app.UseCookiePolicy() applies this.
        var development = builder.Environment.IsDevelopment();
        builder.Services.Configure<CookiePolicyOptions>(policy =>
        {
            policy.HttpOnly = HttpOnlyPolicy.Always;
            policy.Secure = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            policy.MinimumSameSitePolicy = SameSiteMode.Lax;
        });

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<WebSessionOptions>>((cookie, session) => SessionCookie.Configure(cookie, session.Value));
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();

        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<SessionTokenSource>();
        builder.Services.AddScoped<RequestSession>();
        builder.Services.AddScoped<BrowserSessions>();
        return builder;
    }
}
