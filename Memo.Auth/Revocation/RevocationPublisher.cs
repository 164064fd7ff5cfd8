using Memo.Auth.Sessions;
using Memo.ServiceDefaults.Authentication;

using StackExchange.Redis;

namespace Memo.Auth.Revocation;

/// <summary>A session that ended, and when its last access token expires (after which the revocation no longer matters).</summary>
public sealed record SessionRevocation(Guid SessionId, DateTimeOffset ExpiresAt);

/// <summary>
/// Mirrors revocations from the auth database into the Redis revocation cache (<see cref="RevocationChannel"/>) and
/// publishes them to the Notes instances. The database stays the source of truth: what fails here is retried by
/// <see cref="RevocationMirrorRepair"/>.
/// </summary>
public sealed partial class RevocationPublisher(IConnectionMultiplexer redis, SessionStore sessions, TimeProvider time, ILogger<RevocationPublisher> logger)
{
    /// <summary>Best effort: returns false (and leaves the rows unmirrored) when Redis is unreachable.</summary>
    public async Task<bool> TryPublishAsync(IReadOnlyList<SessionRevocation> revocations, CancellationToken ct)
    {
        if (revocations.Count == 0)
        {
            return true;
        }

        try
        {
            var db = redis.GetDatabase();
            var now = time.GetUtcNow();
            foreach (var revocation in revocations)
            {
                var sid = revocation.SessionId.ToString();
                await db.StringSetAsync(RevocationChannel.Key(sid), revocation.ExpiresAt.ToUnixTimeSeconds(), revocation.ExpiresAt - now);
                await db.PublishAsync(RevocationChannel.Channel, RevocationChannel.Message(sid, revocation.ExpiresAt));
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisUnavailable(logger, revocations.Count, ex);
            return false;
        }

        await sessions.MarkMirroredAsync(revocations.Select(r => r.SessionId), ct);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable; {Count} revocation(s) will be mirrored when it returns.")]
    private static partial void LogRedisUnavailable(ILogger logger, int count, Exception exception);
}
