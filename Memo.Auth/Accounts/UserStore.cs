using Memo.Auth.Outbox;
using Memo.Auth.Revocation;
using Memo.Auth.Sessions;
using Memo.ServiceDefaults.Data;
using Memo.ServiceDefaults.Events;

using Npgsql;

namespace Memo.Auth.Accounts;

public sealed record User(Guid Id, string Email, string? DisplayName, string PasswordHash);

public sealed class UserStore(NpgsqlDataSource db, TimeProvider time, SessionStore sessions, OutboxStore outbox)
{
    /// <summary>Emails compare case-insensitively: this is the form they are unique and looked up in.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    /// <summary>The new user, or null when the email is taken.</summary>
    public async Task<User?> CreateAsync(string email, string? displayName, string passwordHash, CancellationToken ct)
    {
        var user = new User(Guid.CreateVersion7(time.GetUtcNow()), email.Trim(), displayName, passwordHash);
        await using var command = db.CreateCommand("""
            INSERT INTO users (id, email, email_normalized, display_name, password_hash, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (email_normalized) DO NOTHING
            """);
        command.Bind(user.Id);
        command.Bind(user.Email);
        command.Bind(Normalize(email));
        command.Bind(displayName);
        command.Bind(passwordHash);
        command.Bind(time.GetUtcNow());
        return await command.ExecuteNonQueryAsync(ct) == 1 ? user : null;
    }

    public Task<User?> FindByEmailAsync(string email, CancellationToken ct) =>
        FindAsync("email_normalized", Normalize(email), ct);

    public Task<User?> FindByIdAsync(Guid id, CancellationToken ct) => FindAsync("id", id, ct);

    /// <summary>Rehashes a password at a new cost, unless the password was changed since <paramref name="oldHash"/> was read.</summary>
    public async Task RehashPasswordAsync(Guid id, string oldHash, string newHash, CancellationToken ct)
    {
        await using var command = db.CreateCommand("UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3");
        command.Bind(newHash);
        command.Bind(id);
        command.Bind(oldHash);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Sets a new password hash and, in the same transaction, ends every session of the user but
    /// <paramref name="keepSession"/>: whoever signed in with the old password is out, the caller stays in.
    /// Returns the revocations to publish.
    /// </summary>
    public async Task<IReadOnlyList<SessionRevocation>> ChangePasswordAsync(Guid id, string passwordHash, Guid keepSession, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var update = new NpgsqlCommand("UPDATE users SET password_hash = $1 WHERE id = $2", connection, transaction))
        {
            update.Bind(passwordHash);
            update.Bind(id);
            await update.ExecuteNonQueryAsync(ct);
        }

        var revoked = await sessions.RevokeAllAsync(connection, transaction, id, keepSession, ct);
        await transaction.CommitAsync(ct);
        return revoked;
    }

    /// <summary>
    /// Deletes the user, in one transaction with what must happen with it: every session revoked (the rows stay until
    /// their revocations expire) and an <see cref="EventStream.AccountDeleted"/> event in the outbox, for the services
    /// that hold the user's data. The email can be registered again at once. Returns the revocations to publish
    /// (none when the user was already gone).
    /// </summary>
    public async Task<IReadOnlyList<SessionRevocation>> DeleteAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        // Locked before the sessions are revoked: a login racing this deletion then waits and fails to insert its
        // session (the key on sessions.user_id), instead of adding one this transaction would not see.
        await using (var lockUser = new NpgsqlCommand("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            lockUser.Bind(id);
            if (await lockUser.ExecuteScalarAsync(ct) is null)
            {
                return [];
            }
        }

        var revoked = await sessions.RevokeAllAsync(connection, transaction, id, keep: null, ct);
        await using (var delete = new NpgsqlCommand("DELETE FROM users WHERE id = $1", connection, transaction))
        {
            delete.Bind(id);
            await delete.ExecuteNonQueryAsync(ct);
        }

        await outbox.AddAsync(connection, transaction, EventStream.AccountDeleted, id, ct);
        await transaction.CommitAsync(ct);
        return revoked;
    }

    private async Task<User?> FindAsync<TKey>(string column, TKey key, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT id, email, display_name, password_hash FROM users WHERE {column} = $1");
        command.Bind(key);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new User(reader.GetGuid(0), reader.GetString(1), await reader.IsDBNullAsync(2, ct) ? null : reader.GetString(2), reader.GetString(3))
            : null;
    }
}
