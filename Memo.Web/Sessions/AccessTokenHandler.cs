using System.Net;

using Memo.Web.Errors;

namespace Memo.Web.Sessions;

/// <summary>
/// Adds the session's access token to a request that names a session (<see cref="SessionId"/>), from the tokens the
/// request carries (<see cref="ReadTokens"/>, see <see cref="RequestSession"/>) or else from the store. A 401 with a
/// Bearer challenge means Auth or Notes no longer accepts the session (signed out elsewhere, revoked): it ends here
/// too. A 401 without one is an answer about something else (Auth refusing a current password) and goes back to the
/// caller.
/// </summary>
public sealed class AccessTokenHandler(SessionTokenSource tokens, SessionStore store) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<string> SessionId = new("Memo.Web.SessionId");
    public static readonly HttpRequestOptionsKey<SessionTokens> ReadTokens = new("Memo.Web.ReadTokens");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(SessionId, out var sessionId))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var read = request.Options.TryGetValue(ReadTokens, out var tokensRead) ? tokensRead : null;
        request.Headers.Authorization = new("Bearer", await tokens.GetAccessTokenAsync(sessionId, read, cancellationToken));
        var response = await base.SendAsync(request, cancellationToken);
        if (response is { StatusCode: HttpStatusCode.Unauthorized, Headers.WwwAuthenticate.Count: > 0 })
        {
            response.Dispose();
            await store.DeleteAsync(sessionId);
            throw new SessionEndedException();
        }

        return response;
    }
}
