using Memo.ServiceDefaults.Data;
using Memo.ServiceDefaults.Events;

using Npgsql;

namespace Memo.Auth.Outbox;

/// <summary>The outbox table: events written with the change they report, and what the relay has published.</summary>
public sealed class OutboxStore(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>In the caller's transaction, so that the event exists if and only if the change it reports does.</summary>
    public async Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string type, Guid userId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO outbox (type, user_id, created_at) VALUES ($1, $2, $3)", connection, transaction);
        command.Bind(type);
        command.Bind(userId);
        command.Bind(time.GetUtcNow());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> unsent events, oldest first, locked until the batch is committed or disposed.
    /// Rows another relay has locked are skipped, so replicas publish disjoint batches.
    /// </summary>
    public async Task<OutboxBatch> LockUnsentAsync(int limit, CancellationToken ct)
    {
        var connection = await db.OpenConnectionAsync(ct);
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(ct);
            await using var command = new NpgsqlCommand("""
                SELECT id, type, user_id FROM outbox WHERE sent_at IS NULL
                ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
                """, connection, transaction);
            command.Bind(limit);
            var events = new List<MemoEvent>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    events.Add(new MemoEvent(reader.GetInt64(0), reader.GetString(1), reader.GetGuid(2)));
                }
            }

            return new OutboxBatch(connection, transaction, events, time);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }

            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Redis lost the stream: every retained event is to be published again.</summary>
    public async Task MarkAllUnsentAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("UPDATE outbox SET sent_at = NULL WHERE sent_at IS NOT NULL");
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task DeleteSentBeforeAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var command = db.CreateCommand("DELETE FROM outbox WHERE sent_at < $1");
        command.Bind(before);
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Events locked for publishing; <see cref="CommitAsync"/> marks those Redis accepted as sent and releases the rest.</summary>
public sealed class OutboxBatch(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<MemoEvent> events, TimeProvider time)
    : IAsyncDisposable
{
    public IReadOnlyList<MemoEvent> Events => events;

    public async Task CommitAsync(IReadOnlyCollection<long> sent, CancellationToken ct)
    {
        if (sent.Count > 0)
        {
            await using var command = new NpgsqlCommand("UPDATE outbox SET sent_at = $1 WHERE id = ANY($2)", connection, transaction);
            command.Bind(time.GetUtcNow());
            command.Bind(sent.ToArray());
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
