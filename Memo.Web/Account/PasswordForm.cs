using Memo.Web.Apis;
using Memo.Web.Localization;

using Microsoft.Extensions.Localization;

namespace Memo.Web.Account;

/// <summary>What the forms that ask for the current password post: the password change and the account's deletion.</summary>
public sealed class PasswordForm
{
    public string? CurrentPassword { get; set; }

    public string? NewPassword { get; set; }
}

/// <summary>How those forms show Auth's refusal: each error beside its field, a wait after too many wrong passwords above.</summary>
public static class PasswordRefusals
{
    /// <summary>Beside the current password (Auth's <paramref name="field"/>): a wrong password, or its validation errors.</summary>
    public static IEnumerable<string> CurrentPasswordErrors(this PasswordResult? result, string field, IStringLocalizer<Strings> L) =>
        result is PasswordResult.WrongPassword ? [L["WrongPassword"]] : result.FieldErrors().For(field);

    public static FieldErrors FieldErrors(this PasswordResult? result) => result is PasswordResult.Invalid invalid ? invalid.Errors : Apis.FieldErrors.None;

    public static string? Alert(this PasswordResult? result, IStringLocalizer<Strings> L) =>
        result is PasswordResult.Throttled throttled ? L["TooManyAttempts", RetryAfter.Minutes(throttled.RetryAfter)].Value : null;
}
