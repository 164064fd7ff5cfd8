using Memo.Notes.Notes;
using Memo.ServiceDefaults.Events;

using Microsoft.Extensions.Options;

using StackExchange.Redis;

namespace Memo.Notes.Accounts;

/// <summary>
/// Deletes the notes of deleted accounts, from the events Memo.Auth publishes (<see cref="EventStream"/>). Every Notes
/// instance reads in the consumer group <see cref="Group"/>, so each event goes to one of them, and none is missed while
/// all are down: the group remembers what it delivered and what was acknowledged. Per event, the owner's notes are
/// deleted, then the event is acknowledged; a second delivery of it deletes nothing more. At start an instance first
/// handles what it was given earlier and did not acknowledge; events another instance has left unacknowledged for
/// <see cref="AccountEventsOptions.ClaimIdleTime"/> it takes over (that one died). Redis keeps nothing across a restart
/// here: when the group is gone it is created again from the start of the stream, which Auth's relay fills again.
/// </summary>
public sealed partial class AccountDeletionConsumer(
    IConnectionMultiplexer redis, NoteStore notes, TimeProvider time, IOptions<AccountEventsOptions> options, ILogger<AccountDeletionConsumer> logger)
    : BackgroundService
{
    public const string Group = "notes";
    private readonly string _consumer = options.Value.ConsumerName ?? $"{Environment.MachineName}-{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        bool? working = null; // logged when it changes, not on every poll
        var joined = false;
        var ownPendingFirst = true;
        // An event becomes another instance's to take only after ClaimIdleTime: looking every half of it is enough.
        var nextClaim = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                var db = redis.GetDatabase();
                if (!joined)
                {
                    await JoinGroupAsync(db);
                    joined = true;
                }

                var position = ownPendingFirst ? StreamPosition.Beginning : StreamPosition.NewMessages;
                var entries = await db.StreamReadGroupAsync(EventStream.Key, Group, _consumer, position, settings.BatchSize);
                ownPendingFirst &= entries.Length > 0;
                handled += await HandleAsync(db, entries, stoppingToken);

                if (time.GetUtcNow() >= nextClaim)
                {
                    var claimed = await db.StreamAutoClaimAsync(EventStream.Key, Group, _consumer,
                        (long)settings.ClaimIdleTime.TotalMilliseconds, "0-0", settings.BatchSize);
                    handled += await HandleAsync(db, claimed.ClaimedEntries, stoppingToken);
                    // A full batch may leave more behind: look again at once.
                    nextClaim = claimed.ClaimedEntries.Length < settings.BatchSize ? time.GetUtcNow() + settings.ClaimIdleTime / 2 : DateTimeOffset.MinValue;
                }

                if (working is not true)
                {
                    LogWorking(logger, _consumer, Group);
                    working = true;
                }
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                // Redis came back empty: join again, which creates the group from the start of the stream.
                LogGroupMissing(logger);
                joined = false;
                continue;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or Npgsql.NpgsqlException)
            {
                if (working is not false)
                {
                    LogFailing(logger, ex);
                    working = false;
                }

                // What was given to this consumer and not acknowledged is read again first.
                ownPendingFirst = true;
            }

            if (handled == 0)
            {
                await Task.Delay(settings.PollInterval, time, stoppingToken);
            }
        }
    }

    private static async Task JoinGroupAsync(IDatabase db)
    {
        try
        {
            await db.StreamCreateConsumerGroupAsync(EventStream.Key, Group, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another instance created it.
        }
    }

    private async Task<int> HandleAsync(IDatabase db, StreamEntry[] entries, CancellationToken ct)
    {
        foreach (var entry in entries)
        {
            if (!EventStream.TryParse(entry, out var memoEvent))
            {
                // Never valid, however often it is read again (or trimmed from the stream meanwhile).
                LogUnreadable(logger, entry.Id.ToString());
            }
            else if (memoEvent.Type == EventStream.AccountDeleted)
            {
                LogNotesDeleted(logger, await notes.DeleteAllAsync(memoEvent.UserId, ct), memoEvent.UserId, memoEvent.Id);
            }

            await db.StreamAcknowledgeAsync(EventStream.Key, Group, entry.Id);
        }

        return entries.Length;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming account events as {Consumer} in group {Group}.")]
    private static partial void LogWorking(ILogger logger, string consumer, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account events cannot be handled now; the notes of deleted accounts are deleted once Redis and the database answer again.")]
    private static partial void LogFailing(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The consumer group is missing (Redis lost its data); creating it again from the start of the stream.")]
    private static partial void LogGroupMissing(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped the unreadable event {EntryId}.")]
    private static partial void LogUnreadable(ILogger logger, string entryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} note(s) of the deleted account {UserId} (event {EventId}).")]
    private static partial void LogNotesDeleted(ILogger logger, int count, Guid userId, long eventId);
}
