using System.Net;
using System.Security.Cryptography;
using System.Text;

using Microsoft.Extensions.Options;

using StackExchange.Redis;

namespace Memo.Auth.Throttling;

/// <summary>
/// Counts failed logins per account and per client address in Redis, so the limit holds across Auth replicas.
/// A counter starts at the first failure and expires a window later. If Redis is unreachable the throttle lets logins
/// through (the password check still applies): a cache outage must not lock everyone out.
/// </summary>
public sealed partial class LoginThrottle(IConnectionMultiplexer redis, IOptions<LoginThrottleOptions> options, ILogger<LoginThrottle> logger)
{
    // INCR, and start the window on the first failure only, atomically.
    private const string IncrementScript = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """;

    /// <summary>How long the caller must wait, or null when it may try.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(string normalizedEmail, IPAddress? address)
    {
        try
        {
            var db = redis.GetDatabase();
            var limits = options.Value;
            var waits = await Task.WhenAll(
                WaitAsync(db, AccountKey(normalizedEmail), limits.MaxFailuresPerAccount),
                WaitAsync(db, AddressKey(address), limits.MaxFailuresPerAddress));
            return waits.Max();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnavailable(logger, ex);
            return null;
        }
    }

    public async Task RecordFailureAsync(string normalizedEmail, IPAddress? address)
    {
        try
        {
            var db = redis.GetDatabase();
            var window = (long)options.Value.Window.TotalMilliseconds;
            await Task.WhenAll(
                db.ScriptEvaluateAsync(IncrementScript, [AccountKey(normalizedEmail)], [window]),
                db.ScriptEvaluateAsync(IncrementScript, [AddressKey(address)], [window]));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnavailable(logger, ex);
        }
    }

    /// <summary>A successful login clears the account's failures (not the address's: one good password must not unlock a spray).</summary>
    public async Task ResetAsync(string normalizedEmail)
    {
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(AccountKey(normalizedEmail));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnavailable(logger, ex);
        }
    }

    private static async Task<TimeSpan?> WaitAsync(IDatabase db, RedisKey key, int limit)
    {
        var count = await db.StringGetAsync(key);
        if (!count.HasValue || (long)count < limit)
        {
            return null;
        }

        var ttl = await db.KeyTimeToLiveAsync(key);
        return ttl is { } left && left > TimeSpan.Zero ? left : TimeSpan.FromSeconds(1);
    }

    // Hashed so that Redis never holds email addresses.
    private static RedisKey AccountKey(string normalizedEmail) =>
        "memo:login-failures:account:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));

    private static RedisKey AddressKey(IPAddress? address) => "memo:login-failures:address:" + (address?.ToString() ?? "unknown");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable; login throttling is not enforced.")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
