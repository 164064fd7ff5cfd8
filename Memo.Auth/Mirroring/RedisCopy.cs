using StackExchange.Redis;

namespace Memo.Auth.Mirroring;

/// <summary>
/// What Auth copies from its database into Redis (the revocation cache, the event stream) and must copy again when
/// Redis loses its data (restarted empty, flushed): a marker key, set once everything was copied, tells which.
/// </summary>
public static class RedisCopy
{
    /// <summary>
    /// Copies what is pending (<paramref name="copyPendingAsync"/>: false when it could not finish). When the marker is
    /// missing, <paramref name="markAllPendingAsync"/> first, and the marker is set once the copy has finished. Nothing
    /// while Redis is unreachable.
    /// </summary>
    public static async Task SyncAsync(IConnectionMultiplexer redis, string markerKey, TimeProvider time,
        Func<CancellationToken, Task> markAllPendingAsync, Func<IDatabase, CancellationToken, Task<bool>> copyPendingAsync, CancellationToken ct)
    {
        if (!redis.IsConnected)
        {
            return;
        }

        var db = redis.GetDatabase();
        var restored = await db.KeyExistsAsync(markerKey);
        if (!restored)
        {
            await markAllPendingAsync(ct);
        }

        if (await copyPendingAsync(db, ct) && !restored)
        {
            await db.StringSetAsync(markerKey, time.GetUtcNow().ToUnixTimeSeconds());
        }
    }
}
