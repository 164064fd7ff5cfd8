using System.ComponentModel.DataAnnotations;

namespace Memo.Auth.Accounts;

/// <summary>Passwords: 8 to 128 characters, no composition rules (NIST SP 800-63B).</summary>
public sealed record RegisterRequest(
    [property: Required, EmailAddress, StringLength(254)] string Email,
    [property: Required, StringLength(128, MinimumLength = 8)] string Password,
    [property: StringLength(100)] string? DisplayName);

public sealed record UserResponse(Guid Id, string Email, string? DisplayName);
