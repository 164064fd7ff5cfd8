namespace Memo.Web.Sessions;

/// <summary>
/// The session as this HTTP request's cookie check read it from <see cref="SessionStore"/>, so the calls the same
/// request makes to Memo.Auth and Memo.Notes take its access token from here rather than reading Redis again.
/// Scoped: an interactive circuit has a scope of its own that nothing fills, so a circuit, whose tokens rotate
/// while it lives, reads the store at every call.
/// </summary>
public sealed class RequestSession
{
    private (string Id, SessionTokens Tokens)? _read;

    public void Remember(string sessionId, SessionTokens tokens) => _read = (sessionId, tokens);

    /// <summary>Makes <paramref name="request"/> on the session, with the tokens this request read for it, if any.</summary>
    public void Attach(HttpRequestMessage request, string sessionId)
    {
        request.Options.Set(AccessTokenHandler.SessionId, sessionId);
        if (_read is { } read && read.Id == sessionId)
        {
            request.Options.Set(AccessTokenHandler.ReadTokens, read.Tokens);
        }
    }
}
