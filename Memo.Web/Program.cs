using Memo.Web.Account;
using Memo.Web.Apis;
using Memo.Web.Components;
using Memo.Web.Errors;
using Memo.Web.Localization;
using Memo.Web.Sessions;

// The slim builder: no IIS, no HTTPS from configuration (TLS ends in front of the service), 2 to 3 MB less memory
// (docs/performance.md, "Memory").
var builder = WebApplication.CreateSlimBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisCache("cache");

// Memo.Auth and Memo.Notes by service discovery (services__auth__http__0, services__notes__http__0).
builder.RequireServiceEndpoint("auth");
builder.RequireServiceEndpoint("notes");
builder.Services.AddMemoApis();

builder.AddBrowserSessions();
builder.Services.AddMemoLocalization();
builder.Services.AddExceptionHandler<SessionEndedHandler>();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
// Serves the static assets (CSS, blazor.web.js) from a build output in any environment, as the local stack and the
// tests run it; a published app has no build manifest and serves them from wwwroot as usual.
builder.WebHost.UseStaticWebAssets();

var app = builder.Build();

// The browser's address, scheme and host from the gateway in front (trusted proxies only): Auth's login throttle is
// passed the real client's address.
app.UseTrustedForwardedHeaders();
// In every environment: a service that is down gets a banner and a retry, never a stack trace.
app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true);
app.UseRequestLocalization();
app.UseCookiePolicy();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapDefaultEndpoints();
app.MapAccountEndpoints();
app.MapCultureSwitch();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
