using Memo.Auth.PeriodicWork;

namespace Memo.Auth.Sessions;

/// <summary>
/// Deletes the sessions nothing needs any more, with their refresh tokens, so that the auth database does not grow
/// forever: unrevoked ones once expired, revoked ones once their last access token has expired (until then the Redis
/// revocation cache is rebuilt from them). A deleted account's sessions go the same way.
/// </summary>
public sealed partial class SessionCleanup(SessionStore sessions, ILogger<SessionCleanup> logger) : IPeriodicWork
{
    private const int BatchSize = 1000;

    public TimeSpan Interval => TimeSpan.FromMinutes(10);

    public bool RunsBeforeRequests => false;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            // In batches, so that no statement holds many row locks for long.
            while (await sessions.DeleteExpiredAsync(BatchSize, cancellationToken) == BatchSize)
            {
            }
        }
        catch (Npgsql.NpgsqlException ex)
        {
            LogCleanupFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete expired sessions; retrying at the next interval.")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception);
}
