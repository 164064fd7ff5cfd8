using System.Net;

using Memo.Web.Errors;

namespace Memo.Web.Sessions;

/// <summary>
/// Adds the session's access token to a request that names a session (<see cref="SessionId"/>). A 401 means Auth or
/// Notes no longer accepts the session (signed out elsewhere, revoked): it ends here too.
/// </summary>
public sealed class AccessTokenHandler(SessionTokenSource tokens, SessionStore store) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<string> SessionId = new("Memo.Web.SessionId");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(SessionId, out var sessionId))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        request.Headers.Authorization = new("Bearer", await tokens.GetAccessTokenAsync(sessionId, cancellationToken));
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            await store.DeleteAsync(sessionId);
            throw new SessionEndedException();
        }

        return response;
    }
}
