using System.Globalization;

using Memo.Auth.Passwords;

using Microsoft.AspNetCore.Http.HttpResults;

namespace Memo.Auth.Throttling;

/// <summary>
/// The outcome of a password check through the login throttle: refused with a wait (the password was not checked), or
/// the check's result.
/// </summary>
public readonly record struct ThrottledCheck(TimeSpan? RetryAfter, PasswordCheck Result)
{
    public bool Succeeded => RetryAfter is null && Result != PasswordCheck.Failed;

    /// <summary>429 problem details with <c>Retry-After</c>, the seconds until the wait ends, rounded up.</summary>
    public static ProblemHttpResult TooManyAttempts(HttpContext http, TimeSpan wait)
    {
        http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed password attempts. Try again later.");
    }
}

/// <summary>
/// Checks a password the way every endpoint that takes one must: through the <see cref="LoginThrottle"/>, so a guess
/// costs the same wherever it is made (login, password change, account deletion).
/// </summary>
public sealed class ThrottledPasswordCheck(LoginThrottle throttle, PasswordHasher passwords)
{
    /// <param name="signIn">Who is proving they know the password.</param>
    /// <param name="password">What they sent.</param>
    /// <param name="readStoredHash">
    /// Reads the account's hash, or null for an unknown account (checked against a decoy: same work, same answer). Called
    /// only once the throttle let the attempt through, so that a refused guess costs no database query.
    /// </param>
    public async Task<ThrottledCheck> CheckAsync(SignIn signIn, string password, Func<CancellationToken, Task<string?>> readStoredHash, CancellationToken ct)
    {
        var attempt = await throttle.BeginAsync(signIn);
        if (attempt.RetryAfter is { } wait)
        {
            return new ThrottledCheck(wait, PasswordCheck.Failed);
        }

        var result = await passwords.VerifyAsync(password, await readStoredHash(ct), ct);
        if (result != PasswordCheck.Failed)
        {
            await throttle.SucceededAsync(attempt);
        }

        // A failure needs nothing more: the attempt counted as one when it began.
        return new ThrottledCheck(null, result);
    }
}
