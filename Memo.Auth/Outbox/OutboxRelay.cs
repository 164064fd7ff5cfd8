using Memo.Auth.Mirroring;
using Memo.Auth.PeriodicWork;
using Memo.ServiceDefaults.Events;

using Microsoft.Extensions.Options;

using StackExchange.Redis;

namespace Memo.Auth.Outbox;

/// <summary>
/// Publishes the outbox to the Redis stream <see cref="EventStream.Key"/>: each unsent event is added (XADD, its outbox
/// id in the entry) and marked sent only once Redis has it. It runs right after an event is written and periodically
/// (<see cref="IPeriodicWork"/>: a timer, or requests where the process is frozen between them), so an event written
/// while Redis was down, or by an instance that died before publishing it, goes out once Redis and any instance are up.
/// Never two runs at once in one process (<see cref="PeriodicWorkRunner"/> runs it, also after a deletion); replicas
/// lock disjoint batches. An event can still reach the stream twice (an instance dying between XADD and its commit;
/// Redis rebuilt): consumers are idempotent. When Redis lost the stream (<see cref="RedisCopy"/>), every retained
/// event is published again.
/// </summary>
public sealed partial class OutboxRelay(
    IConnectionMultiplexer redis, OutboxStore outbox, TimeProvider time, IOptions<OutboxOptions> options, ILogger<OutboxRelay> logger)
    : IPeriodicWork
{
    private const int BatchSize = 100;

    // Sent events are kept for days (Retention): deleting the expired ones every few minutes is enough.
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(10);

    // PeriodicWorkRunner never runs the relay twice at once.
    private DateTimeOffset _nextPurge = DateTimeOffset.MinValue;

    public TimeSpan Interval => options.Value.RelayInterval;

    public bool RunsBeforeRequests => false;

    /// <summary>Publishes every unsent event. Failures are logged; the next run retries.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RelayAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or Npgsql.NpgsqlException)
        {
            LogRelayFailed(logger, ex);
        }
    }

    private async Task RelayAsync(CancellationToken ct)
    {
        await RedisCopy.SyncAsync(redis, EventStream.RestoredMarkerKey, time,
            async ct =>
            {
                LogRepublishing(logger);
                await outbox.MarkAllUnsentAsync(ct);
            },
            async (db, ct) =>
            {
                while (await PublishBatchAsync(db, ct) == BatchSize)
                {
                }

                return true;
            },
            ct);

        var now = time.GetUtcNow();
        if (now >= _nextPurge)
        {
            await outbox.DeleteSentBeforeAsync(now - options.Value.Retention, ct);
            _nextPurge = now + PurgeInterval;
        }
    }

    private async Task<int> PublishBatchAsync(IDatabase db, CancellationToken ct)
    {
        await using var batch = await outbox.LockUnsentAsync(BatchSize, ct);
        var trim = new StreamAddOptions { MaxLength = options.Value.StreamMaxLength, Approximate = true };
        var sent = new List<long>(batch.Events.Count);
        try
        {
            foreach (var memoEvent in batch.Events)
            {
                await db.StreamAddAsync(EventStream.Key, EventStream.Entry(memoEvent), trim);
                sent.Add(memoEvent.Id);
            }
        }
        finally
        {
            // What Redis accepted is marked sent, even when a later XADD of the batch failed.
            await batch.CommitAsync(sent, ct);
        }

        return sent.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The event stream is missing from Redis; publishing every retained event again.")]
    private static partial void LogRepublishing(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the outbox failed; retrying at the next run.")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);
}
