using Memo.Gateway;
using Memo.Gateway.Caching;
using Memo.Gateway.Errors;
using Memo.Gateway.Limits;
using Memo.Gateway.RateLimiting;
using Memo.Gateway.Routing;
using Memo.Gateway.Security;

using Microsoft.Extensions.Options;

using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;


// The slim builder: no IIS, no HTTPS from configuration (TLS ends in front of the service), 2 to 3 MB less memory
// (docs/performance.md, "Memory").
var builder = WebApplication.CreateSlimBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddValidatedOptions<GatewayOptions>(GatewayOptions.SectionName);

// Memo.Auth and Memo.Notes by service discovery (services__auth__http__0, services__notes__http__0); Memo.Web if configured.
builder.RequireServiceEndpoint(GatewayRoutes.Auth);
builder.RequireServiceEndpoint(GatewayRoutes.Notes);
var withWeb = builder.Configuration.HasServiceEndpoint(GatewayRoutes.Web);
builder.Services.AddSingleton<IProxyConfigProvider>(sp => GatewayRoutes.Create(sp.GetRequiredService<IOptions<GatewayOptions>>().Value, withWeb));
builder.Services.AddReverseProxy()
    .AddTransforms(ClientForwardingHeaders.Drop)
    .AddTransforms(PublicResponseCachePolicy.JudgeServiceResponse);
builder.Services.AddSingleton<IDestinationResolver, ServiceDiscoveryDestinationResolver>();

// Edge policies (GatewayOptions).
builder.Services.AddGatewayRateLimits();
builder.Services.AddRequestTimeouts();
builder.Services.AddOutputCache(options => options.AddPolicy(PublicResponseCachePolicy.Name, new PublicResponseCachePolicy()));
RequestHeaderLimit.ConfigureKestrelCeiling(builder.Services);
builder.Services.WithoutDataProtectionAtStart();

var app = builder.Build();

// In order: who the client is (trusted proxies only), the headers every answer carries, problem details for every error,
// then the header limit, routing, rate limits, timeouts and the key cache, before YARP forwards (and writes a problem
// when it cannot).
app.UseTrustedForwardedHeaders();
app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestHeaderLimit();
app.UseRouting();
app.UseRateLimiter();
app.UseRequestTimeouts();
app.UseOutputCache();

app.MapReverseProxy(proxy =>
{
    proxy.Use(ForwarderProblems.WriteAsync);
    proxy.UseLoadBalancing();
});
app.MapDefaultEndpoints();

app.Run();
