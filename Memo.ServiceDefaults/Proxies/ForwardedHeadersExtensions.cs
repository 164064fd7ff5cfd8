using System.Net;

using Memo.ServiceDefaults.Proxies;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The client's address, scheme and host from <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c>, believed only when the
/// connection comes from a trusted proxy (<see cref="TrustedProxyOptions"/>), so no client chooses the address that
/// per-address limits such as Auth's login throttle see.
/// </summary>
/// <remarks>
/// ASP.NET Core's own switch <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>, which the Aspire AppHost sets on every project,
/// registers a startup filter that puts <c>UseForwardedHeaders</c> at the front of the pipeline and an options setup that
/// clears <c>KnownNetworks</c> and <c>KnownProxies</c>; with both lists empty the middleware believes every sender. Here
/// the trusted lists are applied after every other configuration (PostConfigure), so that switch cannot widen trust, and
/// the middleware is added only when the switch has not added it already.
/// </remarks>
public static class ForwardedHeadersExtensions
{
    // The configuration key behind ASPNETCORE_FORWARDEDHEADERS_ENABLED, read by ASP.NET Core's ForwardedHeadersStartupFilter.
    private const string FrameworkSwitch = "ForwardedHeaders_Enabled";

    public static TBuilder AddTrustedForwardedHeaders<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddValidatedOptions<TrustedProxyOptions>(TrustedProxyOptions.SectionName);
        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .PostConfigure<IOptions<TrustedProxyOptions>>((options, trusted) => Trust(options, trusted.Value));
        return builder;
    }

    /// <summary>Adds the forwarded-headers middleware, unless <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c> added it already.</summary>
    public static IApplicationBuilder UseTrustedForwardedHeaders(this IApplicationBuilder app)
    {
        var configuration = app.ApplicationServices.GetRequiredService<IConfiguration>();
        return string.Equals(configuration[FrameworkSwitch], "true", StringComparison.OrdinalIgnoreCase) ? app : app.UseForwardedHeaders();
    }

    private static void Trust(ForwardedHeadersOptions options, TrustedProxyOptions trusted)
    {
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        if (trusted.TrustLoopback)
        {
            options.KnownIPNetworks.Add(new System.Net.IPNetwork(IPAddress.Loopback, 8));
            options.KnownProxies.Add(IPAddress.IPv6Loopback);
        }

        foreach (var network in trusted.KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        foreach (var proxy in trusted.KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        // Empty lists would mean "believe everyone" to the middleware: with nobody trusted, read no forwarded header at all.
        options.ForwardedHeaders = options.KnownIPNetworks.Count + options.KnownProxies.Count == 0
            ? ForwardedHeaders.None
            : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        options.ForwardLimit = trusted.ForwardLimit;
    }
}
