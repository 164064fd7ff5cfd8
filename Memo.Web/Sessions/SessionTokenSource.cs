using System.Collections.Concurrent;

using Memo.Web.Apis;
using Memo.Web.Errors;

using Microsoft.Extensions.Options;

namespace Memo.Web.Sessions;

/// <summary>
/// Hands out a session's access token, refreshing the pair at Memo.Auth shortly before the token expires.
/// Within this instance a session has at most one refresh in flight: requests that need one at the same moment (two
/// tabs, a page and its circuit) wait for it and share its result, so a refresh token is spent once. Another Web
/// instance may spend the same token at the same moment; Auth's refresh reuse interval answers both, each with a pair
/// that works, so whichever this store keeps last is good.
/// </summary>
public sealed partial class SessionTokenSource(
    SessionStore store, IHttpClientFactory httpClients, IOptions<WebSessionOptions> options, TimeProvider time, ILogger<SessionTokenSource> logger)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<SessionTokens>>> _refreshing = new();

    /// <summary>
    /// A usable access token for the session; throws <see cref="SessionEndedException"/> when it has ended.
    /// <paramref name="read"/>: the session's tokens as this request already read them from the store, if it did.
    /// </summary>
    public async Task<string> GetAccessTokenAsync(string sessionId, SessionTokens? read, CancellationToken ct)
    {
        var tokens = read ?? await store.FindAsync(sessionId) ?? throw new SessionEndedException();
        if (!IsDue(tokens))
        {
            return tokens.AccessToken;
        }

        var refresh = _refreshing.GetOrAdd(sessionId, id => new Lazy<Task<SessionTokens>>(() => RefreshAsync(id)));
        var task = refresh.Value;
        _ = task.ContinueWith(_ => _refreshing.TryRemove(KeyValuePair.Create(sessionId, refresh)), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return (await task.WaitAsync(ct)).AccessToken;
    }

    private bool IsDue(SessionTokens tokens) => tokens.AccessTokenExpiresAt - time.GetUtcNow() <= options.Value.RefreshBeforeExpiry;

    // Shared by every waiter, so no single caller's cancellation stops it; the HTTP client's timeouts bound it.
    private async Task<SessionTokens> RefreshAsync(string sessionId)
    {
        var current = await store.FindAsync(sessionId) ?? throw new SessionEndedException();
        if (!IsDue(current))
        {
            return current; // another instance refreshed it meanwhile
        }

        TokenResponse? refreshed;
        try
        {
            // A refresh belongs to no request: it has nothing read to reuse.
            refreshed = await new AuthApi(httpClients.CreateClient(nameof(AuthApi)), new RequestSession()).RefreshAsync(current.RefreshToken, CancellationToken.None);
        }
        catch (ServiceUnavailableException e) when (current.AccessTokenExpiresAt > time.GetUtcNow())
        {
            LogRefreshPostponed(logger, e);
            return current; // Auth is unreachable, but the token still works for a while
        }

        if (refreshed is null)
        {
            await store.DeleteAsync(sessionId);
            throw new SessionEndedException();
        }

        var fresh = SessionTokens.From(refreshed, time.GetUtcNow());
        await store.SaveAsync(sessionId, fresh);
        return fresh;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Memo.Auth is unreachable; the access token is used until it expires.")]
    private static partial void LogRefreshPostponed(ILogger logger, Exception exception);
}
