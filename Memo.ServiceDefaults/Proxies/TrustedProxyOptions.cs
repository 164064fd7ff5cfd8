using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Memo.ServiceDefaults.Proxies;

/// <summary>
/// Section <c>ForwardedHeaders</c>: which proxies may tell a service the client's address, scheme and host through
/// <c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c>. Anyone else's forwarded headers are ignored.
/// Environment: <c>ForwardedHeaders__KnownNetworks__0=10.0.0.0/16</c>, <c>ForwardedHeaders__KnownProxies__0=10.0.0.7</c>.
/// </summary>
public sealed class TrustedProxyOptions : IValidatableObject
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>
    /// Trust 127.0.0.0/8 and ::1, where the gateway runs beside the services locally. True for the services; the gateway,
    /// which faces clients, sets it false in its appsettings.json.
    /// </summary>
    public bool TrustLoopback { get; set; } = true;

    /// <summary>More trusted networks, in CIDR notation (<c>10.0.0.0/16</c>): a load balancer's subnet, the gateway's.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>More trusted proxies, as single addresses.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>How many trusted proxies' entries are read from the end of <c>X-Forwarded-For</c> (one per hop in front of this service).</summary>
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _))
            .Select(n => new ValidationResult($"'{n}' is not a network in CIDR notation (10.0.0.0/16).", [nameof(KnownNetworks)]))
            .Concat(KnownProxies.Where(p => !IPAddress.TryParse(p, out _))
                .Select(p => new ValidationResult($"'{p}' is not an IP address.", [nameof(KnownProxies)])));
}
