using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

/// <summary>
/// `--tokens`: what signing and verifying an access token costs on this machine with each candidate algorithm, on one
/// thread (so per core): the bare signature over a typical token's signing input, and the whole token as Memo.Auth
/// creates it and as a verifier validates it (IdentityModel's JsonWebTokenHandler, no cache).
/// </summary>
internal static class TokenAlgorithmCost
{
    private static readonly TimeSpan Length = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync()
    {
        Console.WriteLine($"{"algorithm",-10} {"key",-9} {"sign/s",9} {"verify/s",9} {"token create/s",15} {"token validate/s",17} {"token bytes",12}");
        foreach (var (algorithm, keyName, key) in Candidates())
        {
            var handler = new JsonWebTokenHandler();
            var descriptor = Descriptor(new SigningCredentials(key, algorithm));
            var token = handler.CreateToken(descriptor);
            var parameters = new TokenValidationParameters
            {
                ValidIssuer = "memo-auth",
                ValidAudience = "memo-api",
                IssuerSigningKey = key,
                ValidAlgorithms = [algorithm],
            };
            if (!(await handler.ValidateTokenAsync(token, parameters)).IsValid)
            {
                throw new InvalidOperationException($"{algorithm}: the token did not validate.");
            }

            var input = System.Text.Encoding.ASCII.GetBytes(token[..token.LastIndexOf('.')]);
            var signature = Sign(key, algorithm, input);
            var sign = Rate(() => Sign(key, algorithm, input));
            var verify = Rate(() => Verify(key, algorithm, input, signature) ? 1 : throw new InvalidOperationException("bad signature"));
            var create = Rate(() => handler.CreateToken(Descriptor(new SigningCredentials(key, algorithm))));
            var validate = await RateAsync(async () => (await handler.ValidateTokenAsync(token, parameters)).IsValid ? 1 : throw new InvalidOperationException("invalid"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{algorithm,-10} {keyName,-9} {sign,9:N0} {verify,9:N0} {create,15:N0} {validate,17:N0} {token.Length,12}"));
        }

        Console.WriteLine($"Operations per second on one thread (one core of {Environment.ProcessorCount}), each timed for {Length.TotalSeconds:F0} s after a warm-up.");
        return 0;
    }

    private static IEnumerable<(string Algorithm, string KeyName, AsymmetricSecurityKey Key)> Candidates()
    {
        yield return ("RS256", "RSA 2048", new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa2048" });
        yield return ("PS256", "RSA 2048", new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa2048-pss" });
        // RSA 3072 is what matches P-256's strength (128-bit security; NIST SP 800-57).
        yield return ("RS256", "RSA 3072", new RsaSecurityKey(RSA.Create(3072)) { KeyId = "rsa3072" });
        yield return ("ES256", "P-256", new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "p256" });
    }

    private static SecurityTokenDescriptor Descriptor(SigningCredentials credentials)
    {
        var now = DateTime.UtcNow;
        return new SecurityTokenDescriptor
        {
            Issuer = "memo-auth",
            Audience = "memo-api",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(15),
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object>
            {
                ["sub"] = Guid.NewGuid().ToString(),
                ["sid"] = Guid.NewGuid().ToString(),
                ["jti"] = Guid.NewGuid().ToString(),
            },
            SigningCredentials = credentials,
        };
    }

    private static byte[] Sign(AsymmetricSecurityKey key, string algorithm, byte[] data) => key switch
    {
        RsaSecurityKey rsa => rsa.Rsa.SignData(data, HashAlgorithmName.SHA256, Padding(algorithm)),
        ECDsaSecurityKey ec => ec.ECDsa.SignData(data, HashAlgorithmName.SHA256), // IEEE P1363 (r || s), as JWS uses
        _ => throw new NotSupportedException(),
    };

    private static bool Verify(AsymmetricSecurityKey key, string algorithm, byte[] data, byte[] signature) => key switch
    {
        RsaSecurityKey rsa => rsa.Rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, Padding(algorithm)),
        ECDsaSecurityKey ec => ec.ECDsa.VerifyData(data, signature, HashAlgorithmName.SHA256),
        _ => throw new NotSupportedException(),
    };

    private static RSASignaturePadding Padding(string algorithm) => algorithm == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;

    private static double Rate<T>(Func<T> operation) => RateAsync(() => Task.FromResult(operation())).GetAwaiter().GetResult();

    // A fifth of the length to warm up (JIT, OpenSSL's caches), then as many operations as fit in the length.
    private static async Task<double> RateAsync<T>(Func<Task<T>> operation)
    {
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < Length / 5)
        {
            await operation();
        }

        var count = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Length)
        {
            await operation();
            count++;
        }

        return count / watch.Elapsed.TotalSeconds;
    }
}
