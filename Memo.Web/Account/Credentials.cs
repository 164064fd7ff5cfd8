namespace Memo.Web.Account;

/// <summary>What the sign-in and sign-up forms post.</summary>
public sealed class Credentials
{
    public string? Email { get; set; }

    public string? Password { get; set; }
}
