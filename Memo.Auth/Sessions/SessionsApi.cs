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
        LoginRequest request, HttpContext http, UserStore users, PasswordHasher passwords, LoginThrottle throttle, DeviceTokens devices,
        SessionStore sessions, TokenIssuer tokens, TimeProvider time, CancellationToken ct)
    {
        var user = await users.FindByEmailAsync(request.Email, ct);
        var attempt = await throttle.BeginAsync(new SignIn(
            UserStore.Normalize(request.Email), http.Connection.RemoteIpAddress, devices.DeviceOf(request.DeviceToken, user?.Id)));
        if (attempt.RetryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed logins. Try again later.");
        }

        // An unknown email is checked against a decoy hash: same work, same answer, as a wrong password.
        var check = await passwords.VerifyAsync(request.Password, user?.PasswordHash, ct);
        if (user is null || check == PasswordCheck.Failed)
        {
            // Nothing more to count: the attempt counted as a failure when it began.
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid email or password.");
        }

        await throttle.SucceededAsync(attempt);
        if (check == PasswordCheck.SucceededRehashNeeded)
        {
            await users.UpdatePasswordHashAsync(user.Id, await passwords.HashAsync(request.Password, ct), ct);
        }

        var session = await sessions.CreateAsync(user.Id, ct);
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
