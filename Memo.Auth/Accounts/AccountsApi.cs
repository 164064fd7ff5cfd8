using System.Security.Claims;

using Memo.Auth.Outbox;
using Memo.Auth.Passwords;
using Memo.Auth.PeriodicWork;
using Memo.Auth.Revocation;
using Memo.Auth.Throttling;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Memo.Auth.Accounts;

public static class AccountsApi
{
    public static RouteGroupBuilder MapAccounts(this RouteGroupBuilder group)
    {
        group.MapPost("/register", RegisterAsync)
            .WithSummary("Creates an account.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/me", MeAsync)
            .RequireAuthorization()
            .WithSummary("The signed-in user.");

        group.MapPost("/password", ChangePasswordAsync)
            .RequireAuthorization()
            .WithSummary("Changes the password and ends every other session of the user.")
            .WithDescription("""
                The current password is checked as a login checks it, and throttled with the logins of the account (a wrong one
                counts as a failed login; 429 with Retry-After while a wait lasts). The new one follows the registration rules.
                Every session of the user but this one ends: its refresh token and access tokens stop working, at every Notes
                instance within a second. This session goes on.
                """)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapDelete("/me", DeleteAsync)
            .RequireAuthorization()
            .WithSummary("Deletes the account and, within seconds, everything it owns.")
            .WithDescription("""
                The password is checked as for a password change. At once: the account is gone, every session of it ends (Notes
                refuses its access tokens within a second) and its email can be registered again. Then each service deletes
                what the account owned (its notes), driven by an account-deleted event that is committed with the deletion and
                delivered even to a service that is down at the time, once it is back.
                """)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        return group;
    }

    private static async Task<Results<Created<UserResponse>, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, UserStore users, PasswordHasher passwords, CancellationToken ct)
    {
        var user = await users.CreateAsync(request.Email, request.DisplayName, await passwords.HashAsync(request.Password, ct), ct);
        return user is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "An account with this email already exists.")
            : TypedResults.Created($"/auth/me", new UserResponse(user.Id, user.Email, user.DisplayName));
    }

    private static async Task<Results<Ok<UserResponse>, NotFound>> MeAsync(ClaimsPrincipal principal, UserStore users, CancellationToken ct) =>
        await users.FindByIdAsync(principal.GetUserId(), ct) is { } user
            ? TypedResults.Ok(new UserResponse(user.Id, user.Email, user.DisplayName))
            : TypedResults.NotFound();

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePasswordAsync(
        ChangePasswordRequest request, ClaimsPrincipal principal, HttpContext http, UserStore users, ThrottledPasswordCheck check,
        PasswordHasher passwords, RevocationPublisher revocations, CancellationToken ct)
    {
        var (user, problem) = await CheckOwnPasswordAsync(principal, http, request.CurrentPassword, users, check, ct);
        if (user is null)
        {
            return problem!;
        }

        var hash = await passwords.HashAsync(request.NewPassword, ct);
        await revocations.TryPublishAsync(await users.ChangePasswordAsync(user.Id, hash, principal.GetSessionId(), ct), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        [FromBody] DeleteAccountRequest request, ClaimsPrincipal principal, HttpContext http, UserStore users, ThrottledPasswordCheck check,
        RevocationPublisher revocations, PeriodicWorkRunner runner, OutboxRelay relay, CancellationToken ct)
    {
        var (user, problem) = await CheckOwnPasswordAsync(principal, http, request.Password, users, check, ct);
        if (user is null)
        {
            return problem!;
        }

        // Committed from here on: what fails below (Redis down, this instance killed) is done later by the periodic
        // revocation repair and outbox relay of any instance.
        await revocations.TryPublishAsync(await users.DeleteAsync(user.Id, ct), ct);
        await runner.RunNowAsync(relay);
        return TypedResults.NoContent();
    }

    /// <summary>The signed-in user, when <paramref name="password"/> is theirs; otherwise the problem to answer.</summary>
    private static async Task<(User? User, ProblemHttpResult? Problem)> CheckOwnPasswordAsync(
        ClaimsPrincipal principal, HttpContext http, string password, UserStore users, ThrottledPasswordCheck check, CancellationToken ct)
    {
        if (await users.FindByIdAsync(principal.GetUserId(), ct) is not { } user)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The account no longer exists."));
        }

        var signIn = new SignIn(UserStore.Normalize(user.Email), http.Connection.RemoteIpAddress, Device: null);
        var result = await check.CheckAsync(signIn, password, _ => Task.FromResult<string?>(user.PasswordHash), ct);
        return result.RetryAfter is { } wait ? (null, ThrottledCheck.TooManyAttempts(http, wait))
            : result.Succeeded ? (user, null)
            : (null, TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The password is wrong."));
    }
}
