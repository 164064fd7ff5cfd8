using System.Security.Cryptography;

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
            return TypedResults.Ok(new JsonWebKeySet(keys.Ring.Published.Select(k => PublicJwk(k.Id, k.Key)).ToList()));
        }).WithSummary("The public keys that verify access tokens (RFC 7517).");

        group.MapGet("/openid-configuration", (HttpContext context, IOptions<JwtOptions> jwt) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            var baseUrl = $"{context.Request.Scheme}://{context.Request.Host}";
            return TypedResults.Ok(new DiscoveryDocument(jwt.Value.Issuer, $"{baseUrl}/.well-known/jwks.json", [JwtOptions.Algorithm]));
        }).WithSummary("Discovery metadata: issuer and where the keys are.");

        return routes;
    }

    private static PublicKey PublicJwk(string kid, RsaSecurityKey key)
    {
        var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
        return new PublicKey(kid, "RSA", JwtOptions.Algorithm, "sig", Base64UrlEncoder.Encode(parameters.Modulus), Base64UrlEncoder.Encode(parameters.Exponent));
    }
}

public sealed record PublicKey(string Kid, string Kty, string Alg, string Use, string N, string E);

public sealed record JsonWebKeySet(IReadOnlyList<PublicKey> Keys);

public sealed record DiscoveryDocument(
    [property: System.Text.Json.Serialization.JsonPropertyName("issuer")] string Issuer,
    [property: System.Text.Json.Serialization.JsonPropertyName("jwks_uri")] string JwksUri,
    [property: System.Text.Json.Serialization.JsonPropertyName("id_token_signing_alg_values_supported")] IReadOnlyList<string> SigningAlgorithms);
