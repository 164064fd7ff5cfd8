using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Memo.Auth.Throttling;

/// <summary>
/// The counters in this instance's memory, used while Redis is unreachable: the same policy, per instance instead of
/// shared. Bounded by <see cref="LoginThrottleOptions.FallbackCapacity"/> entries; when full, the cache drops the least
/// recently used ones, so a flood of new keys can only make the throttle forget, never grow without bound.
/// </summary>
public sealed class MemoryFailureStore(TimeProvider time, IOptions<LoginThrottleOptions> options) : IFailureStore, IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.FallbackCapacity });

    // Each operation reads and writes an entry; one lock makes them atomic. Contention is not a concern: this store
    // serves only during an outage, and hashing passwords is far slower than anything done under the lock.
    private readonly Lock _lock = new();

    public Task<Failures?> GetAsync(string key)
    {
        lock (_lock)
        {
            return Task.FromResult(Read(key, time.GetUtcNow()) is { } entry ? new Failures((int)entry.Count, entry.Since) : (Failures?)null);
        }
    }

    public Task<bool> TryCountAsync(string key, int seenCount, DateTimeOffset now, TimeSpan keep)
    {
        lock (_lock)
        {
            if ((Read(key, now)?.Count ?? 0) != seenCount)
            {
                return Task.FromResult(false);
            }

            Write(key, new Entry(seenCount + 1, now, now + keep), now);
            return Task.FromResult(true);
        }
    }

    public Task ForgetAsync(string key)
    {
        lock (_lock)
        {
            _cache.Remove(key);
            return Task.CompletedTask;
        }
    }

    public Task<(long Attempts, TimeSpan ResetsIn)> CountInWindowAsync(string key, TimeSpan window)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var entry = Read(key, now) is { } counting ? counting with { Count = counting.Count + 1 } : new Entry(1, now, now + window);
            Write(key, entry, now);
            return Task.FromResult((entry.Count, entry.ExpiresAt - now));
        }
    }

    public Task UncountInWindowAsync(string key)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (Read(key, now) is { } entry)
            {
                if (entry.Count > 1)
                {
                    Write(key, entry with { Count = entry.Count - 1 }, now);
                }
                else
                {
                    _cache.Remove(key);
                }
            }

            return Task.CompletedTask;
        }
    }

    public void Dispose() => _cache.Dispose();

    // Expiry is judged by the TimeProvider, like everything else in the throttle; the cache's own expiration only
    // frees the memory.
    private Entry? Read(string key, DateTimeOffset now) =>
        _cache.TryGetValue(key, out Entry? entry) && entry!.ExpiresAt > now ? entry : null;

    private void Write(string key, Entry entry, DateTimeOffset now) =>
        _cache.Set(key, entry, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = entry.ExpiresAt - now });

    /// <summary>A count, since when (the last failure, or the start of a window), and when it is forgotten.</summary>
    private sealed record Entry(long Count, DateTimeOffset Since, DateTimeOffset ExpiresAt);
}
