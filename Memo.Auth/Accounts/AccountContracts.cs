using System.ComponentModel.DataAnnotations;

namespace Memo.Auth.Accounts;

public sealed record RegisterRequest(
    [property: Required, EmailAddress, StringLength(254)] string Email,
    [property: Required, NewPassword] string Password,
    [property: StringLength(100)] string? DisplayName);

public sealed record ChangePasswordRequest(
    [property: Required, StringLength(128)] string CurrentPassword,
    [property: Required, NewPassword] string NewPassword);

public sealed record DeleteAccountRequest([property: Required, StringLength(128)] string Password);

public sealed record UserResponse(Guid Id, string Email, string? DisplayName);

/// <summary>The rules for a password being set: 8 to 128 characters, no composition rules (NIST SP 800-63B).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class NewPasswordAttribute : StringLengthAttribute
{
    public NewPasswordAttribute()
        : base(128) => MinimumLength = 8;
}
