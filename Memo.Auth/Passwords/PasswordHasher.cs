using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

using Microsoft.Extensions.Options;

namespace Memo.Auth.Passwords;

/// <summary>
/// PBKDF2-HMAC-SHA256 with a 128-bit random salt and a 256-bit hash, stored as <c>pbkdf2-sha256${iterations}${salt}${hash}</c>.
/// </summary>
public sealed class PasswordHasher : IDisposable
{
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private readonly int _iterations;

    // A hash is about a tenth of a second of one core. Running more at once than there are cores only time-slices
    // them, and on the thread pool they would hold the threads every other request needs: the rest wait here, holding
    // no thread, and each runs on a thread of its own.
    private readonly SemaphoreSlim _cores = new(Environment.ProcessorCount);

    // Verified against when the email is unknown, so that case costs as much as a wrong password.
    private readonly Lazy<string> _decoy;

    public PasswordHasher(IOptions<PasswordOptions> options)
    {
        _iterations = options.Value.Iterations;
        _decoy = new(() => Format(_iterations, RandomNumberGenerator.GetBytes(SaltBytes), RandomNumberGenerator.GetBytes(HashBytes)));
    }

    public async Task<string> HashAsync(string password, CancellationToken ct)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return Format(_iterations, salt, await DeriveAsync(password, salt, _iterations, ct));
    }

    public async Task<PasswordCheck> VerifyAsync(string password, string? storedHash, CancellationToken ct)
    {
        var parts = (storedHash ?? _decoy.Value).Split('$');
        if (parts is not [Scheme, var iterationsText, var saltText, var hashText]
            || !int.TryParse(iterationsText, CultureInfo.InvariantCulture, out var iterations))
        {
            throw new FormatException("Unrecognized password hash format.");
        }

        var derived = await DeriveAsync(password, Convert.FromBase64String(saltText), iterations, ct);
        var matches = CryptographicOperations.FixedTimeEquals(derived, Convert.FromBase64String(hashText));
        return storedHash is null || !matches ? PasswordCheck.Failed
            : iterations != _iterations ? PasswordCheck.SucceededRehashNeeded
            : PasswordCheck.Succeeded;
    }

    public void Dispose() => _cores.Dispose();

    private async Task<byte[]> DeriveAsync(string password, byte[] salt, int iterations, CancellationToken ct)
    {
        await _cores.WaitAsync(ct);
        try
        {
            return await Task.Factory.StartNew(() => Derive(password, salt, iterations), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            _cores.Release();
        }
    }

    // Never inlined, so that CPU profiles (bench/run.sh --profile auth) show the hashing under this name.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);

    private static string Format(int iterations, byte[] salt, byte[] hash) =>
        string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
}

public enum PasswordCheck
{
    Failed,
    Succeeded,
    SucceededRehashNeeded,
}
