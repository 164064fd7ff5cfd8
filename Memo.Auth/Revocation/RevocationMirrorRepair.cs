using Memo.Auth.Mirroring;
using Memo.Auth.PeriodicWork;
using Memo.Auth.Sessions;
using Memo.ServiceDefaults.Authentication;

using StackExchange.Redis;

namespace Memo.Auth.Revocation;

/// <summary>
/// Keeps the Redis revocation cache complete: every second it writes revocations that did not reach Redis (it was down),
/// and, when the restored marker is missing (Redis restarted empty or was flushed), writes every unexpired revocation again.
/// It can run alongside requests: none of them reads what it writes.
/// </summary>
public sealed partial class RevocationMirrorRepair(
    IConnectionMultiplexer redis, SessionStore sessions, RevocationPublisher publisher, TimeProvider time, ILogger<RevocationMirrorRepair> logger)
    : IPeriodicWork
{
    public TimeSpan Interval => TimeSpan.FromSeconds(1);

    public bool RunsBeforeRequests => false;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SyncAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or Npgsql.NpgsqlException)
        {
            LogSyncFailed(logger, ex);
        }
    }

    private Task SyncAsync(CancellationToken ct) => RedisCopy.SyncAsync(redis, RevocationChannel.RestoredMarkerKey, time,
        async ct =>
        {
            LogRestoring(logger);
            await sessions.MarkAllUnmirroredAsync(ct);
        },
        async (_, ct) =>
        {
            IReadOnlyList<SessionRevocation> pending;
            do
            {
                pending = await sessions.UnmirroredRevocationsAsync(ct);
                if (!await publisher.TryPublishAsync(pending, ct))
                {
                    return false;
                }
            }
            while (pending.Count > 0);

            return true;
        },
        ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "The revocation cache is empty; restoring every unexpired revocation into Redis.")]
    private static partial void LogRestoring(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Revocation mirroring failed; retrying.")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}
