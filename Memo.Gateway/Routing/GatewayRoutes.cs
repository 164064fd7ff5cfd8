using Memo.Gateway.Caching;
using Memo.Gateway.RateLimiting;

using Yarp.ReverseProxy.Configuration;

namespace Memo.Gateway.Routing;

/// <summary>
/// What goes where. Destinations are service names, resolved by service discovery
/// (<see cref="ServiceDiscoveryDestinationResolver"/>) from <c>services__{name}__https__0</c> or <c>services__{name}__http__0</c>.
/// </summary>
public static class GatewayRoutes
{
    public const string Auth = "auth";
    public const string Notes = "notes";
    public const string Web = "web";

    // The endpoints that take a password or a refresh token: the stricter rate limit applies to them.
    private static readonly string[] CredentialEndpoints = ["login", "register", "refresh"];

    public static InMemoryConfigProvider Create(GatewayOptions options, bool withWeb)
    {
        List<RouteConfig> routes =
        [
            .. CredentialEndpoints.Select(name => Route($"auth-{name}", $"/auth/{name}", Auth, options.Auth, "POST") with
            {
                RateLimiterPolicy = GatewayRateLimits.CredentialsPolicy,
            }),
            Route("auth", "/auth/{**rest}", Auth, options.Auth),
            Route("well-known", "/.well-known/{**rest}", Auth, options.Auth) with { OutputCachePolicy = PublicResponseCachePolicy.Name },
            // A catch-all also matches the bare /notes.
            Route("notes", "/notes/{**rest}", Notes, options.Notes),
        ];
        List<ClusterConfig> clusters = [Cluster(Auth), Cluster(Notes)];
        if (withWeb)
        {
            // Lowest precedence: everything the routes above do not take.
            routes.Add(Route("web", "/{**rest}", Web, options.Web));
            clusters.Add(Cluster(Web));
        }

        return new InMemoryConfigProvider(routes, clusters);
    }

    private static RouteConfig Route(string id, string path, string cluster, RouteLimits limits, string? method = null) => new()
    {
        RouteId = id,
        ClusterId = cluster,
        Match = new RouteMatch { Path = path, Methods = method is null ? null : [method] },
        MaxRequestBodySize = limits.MaxRequestBodySize,
        Timeout = limits.Timeout,
    };

    // https when the service has an https endpoint, else http, as Aspire's service discovery names them.
    private static ClusterConfig Cluster(string service) => new()
    {
        ClusterId = service,
        Destinations = new Dictionary<string, DestinationConfig> { [service] = new() { Address = $"https+http://{service}" } },
    };
}
