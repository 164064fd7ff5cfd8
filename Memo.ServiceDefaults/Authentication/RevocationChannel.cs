using System.Globalization;

using StackExchange.Redis;

namespace Memo.ServiceDefaults.Authentication;

/// <summary>
/// The Redis layout of the token-revocation cache, written by Memo.Auth and read by Memo.Notes.
/// <list type="bullet">
/// <item><c>memo:revoked:sid:{sessionId}</c>: a revoked session; value and expiry are when its last access token expires. O(1) to check.</item>
/// <item>channel <c>memo:revocations</c>: <c>{sessionId} {expiresAtUnixSeconds}</c> for each new revocation, so mirrors stay current.</item>
/// <item><c>memo:revocations:restored</c>: set once Auth has written every unexpired revocation; its absence means Redis lost them.</item>
/// </list>
/// </summary>
public static class RevocationChannel
{
    public const string KeyPrefix = "memo:revoked:sid:";
    public const string RestoredMarkerKey = "memo:revocations:restored";
    public static readonly RedisChannel Channel = RedisChannel.Literal("memo:revocations");

    public static RedisKey Key(string sessionId) => KeyPrefix + sessionId;

    public static string SessionIdOf(RedisKey key) => ((string)key!)[KeyPrefix.Length..];

    public static RedisValue Message(string sessionId, DateTimeOffset expiresAt) =>
        $"{sessionId} {expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";

    public static bool TryParse(RedisValue message, out string sessionId, out DateTimeOffset expiresAt)
    {
        var parts = ((string?)message)?.Split(' ');
        if (parts is [var sid, var seconds] && long.TryParse(seconds, CultureInfo.InvariantCulture, out var unix))
        {
            sessionId = sid;
            expiresAt = DateTimeOffset.FromUnixTimeSeconds(unix);
            return true;
        }

        sessionId = "";
        expiresAt = default;
        return false;
    }
}
