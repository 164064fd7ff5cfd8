using Memo.ServiceDefaults.Authentication;

using Microsoft.Extensions.Options;

using StackExchange.Redis;

namespace Memo.Notes.Revocation;

/// <summary>
/// Keeps the <see cref="RevocationMirror"/> current: subscribes to the revocation channel, then reads the whole cache,
/// again every resync interval and whenever the Redis connection comes back (messages sent meanwhile were lost).
/// Subscribing before reading leaves no gap between the two (Auth stores a revocation before it announces it), so after
/// a reconnection it subscribes again too: the client resubscribes by itself, but does not say when, and a message
/// sent after the read and before that resubscription would be lost until the next resync.
/// </summary>
public sealed partial class RevocationMirrorSync(
    IConnectionMultiplexer redis, RevocationMirror mirror, TimeProvider time, IOptions<RevocationOptions> options, ILogger<RevocationMirrorSync> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _reconnected = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionRestored += (_, _) => _reconnected.Release();
        var subscribed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            subscribed = subscribed || await TryAsync(SubscribeAsync);
            if (subscribed && await TryAsync(ReadAllAsync))
            {
                mirror.MarkSynced();
                mirror.RemoveExpired();
                var reconnected = await _reconnected.WaitAsync(options.Value.ResyncInterval, stoppingToken);
                subscribed = !reconnected;
            }
            else
            {
                await Task.Delay(RetryDelay, time, stoppingToken);
            }
        }
    }

    // Awaited: the server has confirmed the subscription when it returns. Any earlier one is dropped first, so that
    // each message is handled once.
    private async Task SubscribeAsync()
    {
        var subscriber = redis.GetSubscriber();
        await subscriber.UnsubscribeAsync(RevocationChannel.Channel);
        var channel = await subscriber.SubscribeAsync(RevocationChannel.Channel);
        channel.OnMessage(message =>
        {
            if (RevocationChannel.TryParse(message.Message, out var sid, out var until))
            {
                mirror.Add(sid, until);
            }
        });
    }

    private async Task ReadAllAsync()
    {
        var db = redis.GetDatabase();
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            var batch = new List<RedisKey>(500);
            await foreach (var key in server.KeysAsync(db.Database, RevocationChannel.KeyPrefix + "*", pageSize: 500))
            {
                batch.Add(key);
                if (batch.Count == 500)
                {
                    await AddAllAsync(db, batch);
                }
            }

            await AddAllAsync(db, batch);
        }
    }

    private async Task AddAllAsync(IDatabase db, List<RedisKey> keys)
    {
        var values = await db.StringGetAsync([.. keys]);
        for (var i = 0; i < keys.Count; i++)
        {
            if (long.TryParse((string?)values[i], System.Globalization.CultureInfo.InvariantCulture, out var unix))
            {
                mirror.Add(RevocationChannel.SessionIdOf(keys[i]), DateTimeOffset.FromUnixTimeSeconds(unix));
            }
        }

        keys.Clear();
    }

    private async Task<bool> TryAsync(Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
        {
            LogRedisUnavailable(logger, ex);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable; enforcing the revocations already known.")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception);
}
