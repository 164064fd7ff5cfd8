using System.Security.Claims;

using Memo.Auth.Passwords;

using Microsoft.AspNetCore.Http.HttpResults;

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
}
