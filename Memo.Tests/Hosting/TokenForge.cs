using System.Security.Cryptography;
using System.Text;

using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

using Npgsql;

namespace Memo.Tests.Hosting;

/// <summary>
/// Makes access tokens the way an attacker (or a broken client) might: it reads Memo.Auth's active private key from the
/// auth database, so a token it signs differs from a real one only in what each test changes.
/// </summary>
public sealed class TokenForge
{
    private readonly RsaSecurityKey _key;

    private TokenForge(RsaSecurityKey key) => _key = key;

    public static async Task<TokenForge> CreateAsync(IMemoHost host)
    {
        await using var connection = new NpgsqlConnection(await host.AuthDatabaseConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT kid, private_key FROM signing_keys ORDER BY created_at DESC LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(reader.GetFieldValue<byte[]>(1), out _);
        return new TokenForge(new RsaSecurityKey(rsa) { KeyId = reader.GetString(0) });
    }

    /// <summary>A token like Auth's for the session in <paramref name="real"/>, with <paramref name="change"/> applied.</summary>
    public string Sign(string real, Action<SecurityTokenDescriptor>? change = null, SecurityKey? key = null, string algorithm = "RS256")
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
            SigningCredentials = new SigningCredentials(key ?? _key, algorithm),
        };
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>The classic confusion attack: HS256 keyed with the bytes of the public key.</summary>
    public string SignWithPublicKeyAsHmacSecret(string real)
    {
        var publicKey = _key.Rsa.ExportSubjectPublicKeyInfo();
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
