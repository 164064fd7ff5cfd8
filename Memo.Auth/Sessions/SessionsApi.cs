using System.Globalization;
using System.Security.Claims;

using Memo.Auth.Accounts;
using Memo.Auth.Passwords;
using Memo.Auth.Revocation;
using Memo.Auth.Throttling;

using Microsoft.AspNetCore.Http.HttpResults;

namespace Memo.Auth.Sessions;

public static class SessionsApi
{
    public static RouteGroupBuilder MapSessions(this RouteGroupBuilder group)
    {
        // The descriptions state this deployment's settings.
        var services = ((IEndpointRouteBuilder)group).ServiceProvider;
        group.MapPost("/login", LoginAsync)
            .WithSummary("Exchanges email and password for an access token, a refresh token and a device token.")
            .WithDescription(services.GetRequiredService<ThrottlePolicy>().Describe())
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/refresh", RefreshAsync)
            .WithSummary("Spends a refresh token for a new pair.")
            .WithDescription(string.Create(CultureInfo.InvariantCulture, $"""
                Each refresh token is spent once and replaced. Presented again within {services.GetRequiredService<TokenIssuer>().RefreshReuseInterval.TotalSeconds} s
                after it was spent (two tabs, two replicas, a retry whose answer was lost), it is spent again for another new pair
                and the session goes on. Presented again later, it ends its session: the newest refresh token and every access
                token of the session stop working.
                """))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapPost("/logout", LogoutAsync)
            .RequireAuthorization()
            .WithSummary("Ends this session: its refresh token and access tokens stop working.");

        group.MapPost("/logout-all", LogoutAllAsync)
            .RequireAuthorization()
            .WithSummary("Ends every session of the signed-in user.");

        return group;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, HttpContext http, UserStore users, PasswordHasher passwords, ThrottledPasswordCheck check, DeviceTokens devices,
        SessionStore sessions, TokenIssuer tokens, TimeProvider time, CancellationToken ct)
    {
        // The throttle is asked before the database, so that a refused guess costs no query. Only a device token needs the
        // account first: it counts only for the account it was issued to.
        var user = request.DeviceToken is null ? null : await users.FindByEmailAsync(request.Email, ct);
        var signIn = new SignIn(UserStore.Normalize(request.Email), http.Connection.RemoteIpAddress, devices.DeviceOf(request.DeviceToken, user?.Id));
        var checkedPassword = await check.CheckAsync(signIn, request.Password,
            async ct => (user ??= await users.FindByEmailAsync(request.Email, ct))?.PasswordHash, ct);
        if (checkedPassword.RetryAfter is { } wait)
        {
            return ThrottledCheck.TooManyAttempts(http, wait);
        }

        // A session is null when the account was deleted since it was read.
        if (user is null || !checkedPassword.Succeeded || await sessions.CreateAsync(user.Id, ct) is not { } session)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid email or password.");
        }

        if (checkedPassword.Result == PasswordCheck.SucceededRehashNeeded)
        {
            await users.RehashPasswordAsync(user.Id, user.PasswordHash, await passwords.HashAsync(request.Password, ct), ct);
        }

        return TypedResults.Ok(Respond(tokens, time, user.Id, session) with { DeviceToken = devices.Issue(user.Id) });
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, SessionStore sessions, RevocationPublisher revocations, TokenIssuer tokens, TimeProvider time, CancellationToken ct)
    {
        switch (await sessions.RotateAsync(request.RefreshToken, ct))
        {
            case RotationResult.Rotated rotated:
                return TypedResults.Ok(Respond(tokens, time, rotated.UserId, rotated.Session));
            case RotationResult.Reused reused:
                await revocations.TryPublishAsync([reused.Revocation], ct);
                break;
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The refresh token is invalid, expired or revoked.");
    }

    private static async Task<NoContent> LogoutAsync(ClaimsPrincipal user, SessionStore sessions, RevocationPublisher revocations, CancellationToken ct)
    {
        await revocations.TryPublishAsync(await sessions.RevokeAsync(user.GetSessionId(), ct), ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> LogoutAllAsync(ClaimsPrincipal user, SessionStore sessions, RevocationPublisher revocations, CancellationToken ct)
    {
        await revocations.TryPublishAsync(await sessions.RevokeAllAsync(user.GetUserId(), ct), ct);
        return TypedResults.NoContent();
    }

    private static TokenResponse Respond(TokenIssuer tokens, TimeProvider time, Guid userId, NewSession session) => new(
        tokens.CreateAccessToken(userId, session.SessionId),
        "Bearer",
        (long)tokens.AccessTokenLifetime.TotalSeconds,
        session.RefreshToken,
        (long)(session.ExpiresAt - time.GetUtcNow()).TotalSeconds);
}
