using StackExchange.Redis;

namespace Memo.Auth.Throttling;

/// <summary>
/// The counters in Redis, shared by every Auth instance. A failure count is a hash {n: failures, t: last, in Unix ms}
/// that expires when it is forgotten; a window count is a plain counter that expires when its window ends.
/// Each write is one Lua script, so Redis runs it atomically.
/// </summary>
public sealed class RedisFailureStore(IConnectionMultiplexer redis) : IFailureStore
{
    private const string TryCountScript = """
        local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
        if n ~= tonumber(ARGV[1]) then return 0 end
        redis.call('HSET', KEYS[1], 'n', n + 1, 't', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    private const string CountInWindowScript = """
        local n = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
            ttl = tonumber(ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ttl)
        end
        return {n, ttl}
        """;

    private const string UncountInWindowScript = """
        if redis.call('DECR', KEYS[1]) <= 0 then redis.call('DEL', KEYS[1]) end
        return 0
        """;

    /// <summary>False while the connection is down: the caller then uses its fallback without waiting for an error.</summary>
    public bool IsConnected => redis.IsConnected;

    public async Task<Failures?> GetAsync(string key)
    {
        var values = await redis.GetDatabase().HashGetAsync(key, ["n", "t"]);
        return values[0].HasValue
            ? new Failures((int)values[0], DateTimeOffset.FromUnixTimeMilliseconds((long)values[1]))
            : null;
    }

    public async Task<bool> TryCountAsync(string key, int seenCount, DateTimeOffset now, TimeSpan keep) =>
        (int)await redis.GetDatabase().ScriptEvaluateAsync(TryCountScript, [key],
            [seenCount, now.ToUnixTimeMilliseconds(), (long)keep.TotalMilliseconds]) == 1;

    public Task ForgetAsync(string key) => redis.GetDatabase().KeyDeleteAsync(key);

    public async Task<(long Attempts, TimeSpan ResetsIn)> CountInWindowAsync(string key, TimeSpan window)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(CountInWindowScript, [key], [(long)window.TotalMilliseconds]))!;
        return ((long)result[0], TimeSpan.FromMilliseconds((long)result[1]));
    }

    public Task UncountInWindowAsync(string key) => redis.GetDatabase().ScriptEvaluateAsync(UncountInWindowScript, [key]);
}
