using System.ComponentModel.DataAnnotations;

namespace Memo.Auth.Passwords;

/// <summary>Section <c>Passwords</c>.</summary>
public sealed class PasswordOptions
{
    public const string SectionName = "Passwords";

    /// <summary>PBKDF2-HMAC-SHA256 iterations; OWASP's floor (2023) is 600,000. Raising it rehashes each password at its next login.</summary>
    [Range(600_000, 10_000_000)]
    public int Iterations { get; set; } = 600_000;
}
