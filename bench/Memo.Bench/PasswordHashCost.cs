using System.Diagnostics;
using System.Security.Cryptography;

/// <summary>One password hash as Memo.Auth computes it (PBKDF2-HMAC-SHA256, 600,000 iterations): what a login costs at least.</summary>
internal static class PasswordHashCost
{
    /// <summary>The fastest of five, after one to warm up: a ceiling is the best case.</summary>
    public static double FastestMilliseconds(string password) => Enumerable.Range(0, 6).Select(_ =>
    {
        var watch = Stopwatch.StartNew();
        Rfc2898DeriveBytes.Pbkdf2(password, new byte[16], 600_000, HashAlgorithmName.SHA256, 32);
        return watch.Elapsed.TotalMilliseconds;
    }).Skip(1).Min();
}
