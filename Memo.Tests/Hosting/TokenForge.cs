using System.Security.Cryptography;
using System.Text;

using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

using Npgsql;

namespace Memo.Tests.Hosting;

/// <summary>
/// Makes access tokens the way an attacker (or a broken client) might: it reads Memo.Auth's active private key (ES256 or
/// RS256) from the auth database, so a token it signs differs from a real one only in what each test changes.
/// </summary>
public sealed class TokenForge
{
    private readonly AsymmetricSecurityKey _key;

    private TokenForge(AsymmetricSecurityKey key, string algorithm)
    {
        _key = key;
        Algorithm = algorithm;
    }

    /// <summary>The algorithm of Auth's active key, which <see cref="Sign"/> uses unless told otherwise.</summary>
    public string Algorithm { get; }

    public static async Task<TokenForge> CreateAsync(IMemoHost host)
    {
        await using var connection = new NpgsqlConnection(await host.AuthDatabaseConnectionStringAsync());
        await connection.OpenAsync();
        // As Memo.Auth reads its keys: RS256 ones in signing_keys, ES256 ones in jwt_signing_keys; the newest signs.
        await using var command = new NpgsqlCommand("""
            SELECT kid, 'RS256', private_key, created_at FROM signing_keys
            UNION ALL SELECT kid, algorithm, private_key, created_at FROM jwt_signing_keys
            ORDER BY created_at DESC, kid DESC LIMIT 1
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var (kid, algorithm, pkcs8) = (reader.GetString(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2));
        if (algorithm == "RS256")
        {
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return new TokenForge(new RsaSecurityKey(rsa) { KeyId = kid }, algorithm);
        }

        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
        return new TokenForge(new ECDsaSecurityKey(ecdsa) { KeyId = kid }, algorithm);
    }

    /// <summary>The active key's id.</summary>
    public string KeyId => _key.KeyId;

    /// <summary>A fresh key for <paramref name="algorithm"/> (ES256 or RS256) that Auth never published.</summary>
    public static AsymmetricSecurityKey NewKey(string algorithm, string keyId) => algorithm == "RS256"
        ? new RsaSecurityKey(RSA.Create(2048)) { KeyId = keyId }
        : new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = keyId };

    /// <summary>A token like Auth's for the session in <paramref name="real"/>, with <paramref name="change"/> applied.</summary>
    public string Sign(string real, Action<SecurityTokenDescriptor>? change = null, SecurityKey? key = null, string? algorithm = null)
    {
        var source = new JsonWebToken(real);
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = "memo-auth",
            Audience = "memo-api",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object>
            {
                ["sub"] = source.Subject,
                ["sid"] = source.GetClaim("sid").Value,
                ["jti"] = Guid.NewGuid().ToString(),
            },
            SigningCredentials = new SigningCredentials(key ?? _key, algorithm ?? Algorithm),
        };
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>The classic confusion attack: HS256 keyed with the bytes of the public key.</summary>
    public string SignWithPublicKeyAsHmacSecret(string real)
    {
        var publicKey = _key switch
        {
            RsaSecurityKey rsa => rsa.Rsa.ExportSubjectPublicKeyInfo(),
            ECDsaSecurityKey ecdsa => ecdsa.ECDsa.ExportSubjectPublicKeyInfo(),
            _ => throw new InvalidOperationException("An RSA or EC key."),
        };
        return Sign(real, key: new SymmetricSecurityKey(publicKey) { KeyId = _key.KeyId }, algorithm: SecurityAlgorithms.HmacSha256);
    }

    public static string Unsigned(string real)
    {
        var parts = real.Split('.');
        var header = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes("{\"alg\":\"none\",\"typ\":\"at+jwt\"}"));
        return $"{header}.{parts[1]}.";
    }

    public static string WithTamperedPayload(string real)
    {
        var parts = real.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        var tampered = payload.Replace("\"exp\":", "\"admin\":true,\"exp\":", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(tampered))}.{parts[2]}";
    }
}
