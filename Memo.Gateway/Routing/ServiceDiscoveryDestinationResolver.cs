using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;

using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace Memo.Gateway.Routing;

/// <summary>
/// Turns a destination named by service (<c>https+http://notes</c>) into the addresses service discovery knows for it
/// (<c>services__notes__http__0</c>, <c>__1</c>... as Aspire injects them), one destination each. YARP resolves again
/// when configuration changes. The model is Microsoft.Extensions.ServiceDiscovery.Yarp, which is not on this feed.
/// </summary>
public sealed class ServiceDiscoveryDestinationResolver(ServiceEndpointResolver resolver) : IDestinationResolver
{
    public async ValueTask<ResolvedDestinationCollection> ResolveDestinationsAsync(
        IReadOnlyDictionary<string, DestinationConfig> destinations, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, DestinationConfig>();
        var changes = new List<IChangeToken>();
        foreach (var (name, destination) in destinations)
        {
            var service = new Uri(destination.Address);
            var source = await resolver.GetEndpointsAsync(service.GetLeftPart(UriPartial.Authority), cancellationToken);
            changes.Add(source.ChangeToken);
            foreach (var endpoint in source.Endpoints)
            {
                // Configuration gives full URLs; a bare host:port gets the first scheme the name allows.
                var text = endpoint.ToString()!;
                var address = new Uri(text.Contains("://", StringComparison.Ordinal) ? text : $"{service.Scheme.Split('+')[0]}://{text}");
                var destinationAddress = new UriBuilder(service) { Scheme = address.Scheme, Host = address.Host, Port = address.Port }.Uri;
                resolved[$"{name}[{address.Authority}]"] = destination with { Address = destinationAddress.ToString() };
            }
        }

        return new ResolvedDestinationCollection(resolved, new CompositeChangeToken(changes));
    }
}
