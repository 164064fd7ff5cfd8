using System.Text.Json.Serialization;

using Memo.ServiceDefaults.Authentication;

using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Memo.Auth.Keys;

public static class KeysApi
{
    public static IEndpointRouteBuilder MapKeys(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/.well-known").WithTags("Keys");

        group.MapGet("/jwks.json", (SigningKeyStore keys, HttpContext context) =>
        {
            // Short enough that a rotation reaches caches quickly; verifiers also refetch on an unknown kid.
            context.Response.Headers.CacheControl = "public, max-age=300";
            return TypedResults.Ok(new JsonWebKeySet(keys.Ring.Published.Select(PublicJwk).ToList()));
        }).WithSummary("The public keys that verify access tokens (RFC 7517), each with its own key type and algorithm.");

        group.MapGet("/openid-configuration", (HttpContext context, SigningKeyStore keys, IOptions<JwtOptions> jwt) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            var baseUrl = $"{context.Request.Scheme}://{context.Request.Host}";
            return TypedResults.Ok(new DiscoveryDocument(jwt.Value.Issuer, $"{baseUrl}/.well-known/jwks.json",
                keys.Ring.Published.Select(k => k.Algorithm).Distinct().ToList()));
        }).WithSummary("Discovery metadata: issuer and where the keys are.");

        return routes;
    }

    private static PublicKey PublicJwk(SigningKey key)
    {
        if (key.Key is RsaSecurityKey rsa)
        {
            var parameters = rsa.Rsa.ExportParameters(includePrivateParameters: false);
            return new PublicKey(key.Id, "RSA", key.Algorithm, "sig") { N = Base64UrlEncoder.Encode(parameters.Modulus), E = Base64UrlEncoder.Encode(parameters.Exponent) };
        }

        var point = ((ECDsaSecurityKey)key.Key).ECDsa.ExportParameters(includePrivateParameters: false).Q;
        return new PublicKey(key.Id, "EC", key.Algorithm, "sig") { Crv = "P-256", X = Base64UrlEncoder.Encode(point.X), Y = Base64UrlEncoder.Encode(point.Y) };
    }
}

/// <summary>A public JWK: <c>n</c> and <c>e</c> for RSA, <c>crv</c>, <c>x</c> and <c>y</c> for EC (RFC 7518, section 6).</summary>
public sealed record PublicKey(string Kid, string Kty, string Alg, string Use)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? N { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? E { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Crv { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? X { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Y { get; init; }
}

public sealed record JsonWebKeySet(IReadOnlyList<PublicKey> Keys);

public sealed record DiscoveryDocument(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("jwks_uri")] string JwksUri,
    [property: JsonPropertyName("id_token_signing_alg_values_supported")] IReadOnlyList<string> SigningAlgorithms);
