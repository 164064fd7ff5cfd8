using System.Net;
using System.Net.Http.Json;

using Memo.Web.Errors;
using Memo.Web.Sessions;

namespace Memo.Web.Apis;

/// <summary>Memo.Auth, called from the server: the browser never sees its tokens.</summary>
public sealed class AuthApi(HttpClient http, RequestSession session)
{
    public async Task<RegisterResult> RegisterAsync(string email, string password, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, "/auth/register", new { email, password }, ct);
        return response.StatusCode switch
        {
            HttpStatusCode.Created => new RegisterResult.Registered(),
            HttpStatusCode.Conflict => new RegisterResult.EmailTaken(),
            HttpStatusCode.BadRequest => new RegisterResult.Invalid(await response.ReadFieldErrorsAsync(ct)),
            _ => throw Unexpected(response),
        };
    }

    /// <summary>
    /// Logs in on behalf of the browser at <paramref name="client"/>: its address goes in X-Forwarded-For so Auth
    /// throttles that client rather than Memo.Web (Auth honours it from trusted proxies only), and the device token
    /// from an earlier sign-in is presented so this device is throttled on its own failures only.
    /// </summary>
    public async Task<LoginResult> LoginAsync(string email, string password, string? deviceToken, IPAddress? client, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Post, "/auth/login", deviceToken is null
            ? new { email, password }
            : new { email, password, device_token = deviceToken });
        if (client is not null)
        {
            request.Headers.Add("X-Forwarded-For", client.ToString());
        }

        using var response = await http.SendToAsync(MemoService.Auth, request, ct);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => new LoginResult.SignedIn((await response.Content.ReadFromJsonAsync<TokenResponse>(ct))!),
            HttpStatusCode.Unauthorized => new LoginResult.WrongCredentials(),
            HttpStatusCode.TooManyRequests => new LoginResult.Throttled(response.Headers.RetryAfter?.Delta),
            HttpStatusCode.BadRequest => new LoginResult.Invalid(await response.ReadFieldErrorsAsync(ct)),
            _ => throw Unexpected(response),
        };
    }

    /// <summary>A new pair for the refresh token, or null when Auth refuses it (the session has ended).</summary>
    public async Task<TokenResponse?> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, "/auth/refresh", new { refresh_token = refreshToken }, ct);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => await response.Content.ReadFromJsonAsync<TokenResponse>(ct),
            HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest => null,
            _ => throw Unexpected(response),
        };
    }

    /// <summary>Ends the session at Auth (<paramref name="everywhere"/>: every session of its user).</summary>
    public async Task LogoutAsync(string sessionId, bool everywhere, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Post, everywhere ? "/auth/logout-all" : "/auth/logout", null);
        session.Attach(request, sessionId);
        using var response = await http.SendToAsync(MemoService.Auth, request, ct);
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            throw Unexpected(response);
        }
    }

    /// <summary>Sets a new password for the session's user; Auth ends their other sessions, this one goes on.</summary>
    public Task<PasswordResult> ChangePasswordAsync(string sessionId, string currentPassword, string newPassword, CancellationToken ct) =>
        SendWithPasswordAsync(HttpMethod.Post, "/auth/password", sessionId, new { currentPassword, newPassword }, ct);

    /// <summary>Deletes the session's user; Auth ends every session of it, and Notes deletes its notes soon after.</summary>
    public Task<PasswordResult> DeleteAccountAsync(string sessionId, string password, CancellationToken ct) =>
        SendWithPasswordAsync(HttpMethod.Delete, "/auth/me", sessionId, new { password }, ct);

    // A change Auth makes only with the user's current password, checked and throttled as a sign-in is.
    private async Task<PasswordResult> SendWithPasswordAsync(HttpMethod method, string path, string sessionId, object body, CancellationToken ct)
    {
        using var request = Request(method, path, body);
        session.Attach(request, sessionId);
        using var response = await http.SendToAsync(MemoService.Auth, request, ct);
        return response.StatusCode switch
        {
            HttpStatusCode.NoContent => new PasswordResult.Done(),
            HttpStatusCode.Unauthorized => new PasswordResult.WrongPassword(),
            HttpStatusCode.TooManyRequests => new PasswordResult.Throttled(response.Headers.RetryAfter?.Delta),
            HttpStatusCode.BadRequest => new PasswordResult.Invalid(await response.ReadFieldErrorsAsync(ct)),
            _ => throw Unexpected(response),
        };
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object body, CancellationToken ct)
    {
        using var request = Request(method, path, body);
        return await http.SendToAsync(MemoService.Auth, request, ct);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, object? body) =>
        new(method, path) { Content = body is null ? null : JsonContent.Create(body) };

    private static HttpRequestException Unexpected(HttpResponseMessage response) =>
        new($"Memo.Auth answered {(int)response.StatusCode} to {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}.",
            null, response.StatusCode);
}
