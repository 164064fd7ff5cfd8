using System.Globalization;
using System.Security.Cryptography;
using System.Text;

using Microsoft.Extensions.Options;

namespace Memo.Auth.Passwords;

/// <summary>
/// PBKDF2-HMAC-SHA256 with a 128-bit random salt and a 256-bit hash, stored as <c>pbkdf2-sha256${iterations}${salt}${hash}</c>.
/// </summary>
public sealed class PasswordHasher(IOptions<PasswordOptions> options)
{
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private readonly int _iterations = options.Value.Iterations;

    // Verified against when the email is unknown, so that case costs as much as a wrong password.
    private readonly Lazy<string> _decoy = new(() => new PasswordHasher(options).Hash(Guid.NewGuid().ToString()));

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, _iterations);
        return string.Join('$', Scheme, _iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public PasswordCheck Verify(string password, string? storedHash)
    {
        var parts = (storedHash ?? _decoy.Value).Split('$');
        if (parts is not [Scheme, var iterationsText, var saltText, var hashText]
            || !int.TryParse(iterationsText, CultureInfo.InvariantCulture, out var iterations))
        {
            throw new FormatException("Unrecognized password hash format.");
        }

        var matches = CryptographicOperations.FixedTimeEquals(Derive(password, Convert.FromBase64String(saltText), iterations), Convert.FromBase64String(hashText));
        return storedHash is null || !matches ? PasswordCheck.Failed
            : iterations != _iterations ? PasswordCheck.SucceededRehashNeeded
            : PasswordCheck.Succeeded;
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}

public enum PasswordCheck
{
    Failed,
    Succeeded,
    SucceededRehashNeeded,
}
