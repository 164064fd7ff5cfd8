using Memo.Auth.Revocation;
using Memo.ServiceDefaults.Authentication;
using Memo.ServiceDefaults.Data;

using Npgsql;

namespace Memo.Auth.Sessions;

public sealed record NewSession(Guid SessionId, string RefreshToken, DateTimeOffset ExpiresAt);

public abstract record RotationResult
{
    public sealed record Rotated(Guid UserId, NewSession Session) : RotationResult;

    /// <summary>Unknown, expired, or belonging to an ended session.</summary>
    public sealed record Rejected : RotationResult;

    /// <summary>An already rotated token was presented again: the session it belongs to has been ended.</summary>
    public sealed record Reused(SessionRevocation Revocation) : RotationResult;
}

/// <summary>Sessions and their refresh tokens in the auth database, the source of truth for revocation.</summary>
public sealed class SessionStore(NpgsqlDataSource db, TimeProvider time, TokenIssuer tokens) : ISessionRevocations
{
    /// <summary>The new session, or null when the user no longer exists (the account was deleted meanwhile).</summary>
    public async Task<NewSession?> CreateAsync(Guid userId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var session = Guid.CreateVersion7(now);
        var expiresAt = now + tokens.RefreshTokenLifetime;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)", connection, transaction))
        {
            insert.Bind(session);
            insert.Bind(userId);
            insert.Bind(now);
            insert.Bind(expiresAt);
            try
            {
                await insert.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                return null;
            }
        }

        var refreshToken = await InsertRefreshTokenAsync(connection, transaction, session, now, ct);
        await transaction.CommitAsync(ct);
        return new NewSession(session, refreshToken, expiresAt);
    }

    /// <summary>
    /// Spends a refresh token and issues the next one of its session (RFC 9700 rotation with reuse detection). A token
    /// spent less than the reuse interval ago is spent again, each time for a new successor: the session goes on.
    /// </summary>
    public async Task<RotationResult> RotateAsync(string refreshToken, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var hash = TokenIssuer.HashRefreshToken(refreshToken);
        var (next, nextHash) = TokenIssuer.CreateRefreshToken();

        // One statement, so one round trip and one commit: it spends the token of a live session and stores its
        // successor. The row lock is the race guard. Of two concurrent uses (two Auth replicas), the second waits for
        // the first, then sees its used_at: within the reuse interval it spends the token too (another successor);
        // after it (or with no interval) it finds nothing to update. used_at keeps the first spending.
        await using (var spend = db.CreateCommand("""
            WITH spent AS (
                UPDATE refresh_tokens r SET used_at = coalesce(r.used_at, $1)
                FROM sessions s
                WHERE r.token_hash = $3 AND (r.used_at IS NULL OR r.used_at > $2)
                  AND s.id = r.session_id AND s.revoked_at IS NULL AND s.expires_at > $1 AND s.user_id IS NOT NULL
                RETURNING s.id, s.user_id, s.expires_at
            ), successor AS (
                INSERT INTO refresh_tokens (token_hash, session_id, created_at) SELECT $4, id, $1 FROM spent
            )
            SELECT id, user_id, expires_at FROM spent
            """))
        {
            spend.Bind(now);
            spend.Bind(now - tokens.RefreshReuseInterval);
            spend.Bind(hash);
            spend.Bind(nextHash);
            await using var reader = await spend.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                return new RotationResult.Rotated(reader.GetGuid(1), new NewSession(reader.GetGuid(0), next, reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        // Not spent: unknown, of an ended or expired session (the user is null once the account is deleted; its sessions
        // were revoked first), or spent before the reuse interval, which is reuse: that ends its session.
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var find = new NpgsqlCommand("SELECT session_id FROM refresh_tokens WHERE token_hash = $1 AND used_at <= $2", connection);
        find.Bind(hash);
        find.Bind(now - tokens.RefreshReuseInterval);
        if (await find.ExecuteScalarAsync(ct) is not Guid reusedSession)
        {
            return new RotationResult.Rejected();
        }

        var revoked = await RevokeWhereAsync(connection, null, "id = $1", ct, reusedSession);
        return revoked.Count > 0 ? new RotationResult.Reused(revoked[0]) : new RotationResult.Rejected();
    }

    public Task<IReadOnlyList<SessionRevocation>> RevokeAsync(Guid sessionId, CancellationToken ct) =>
        RevokeAsync("id = $1", sessionId, ct);

    public Task<IReadOnlyList<SessionRevocation>> RevokeAllAsync(Guid userId, CancellationToken ct) =>
        RevokeAsync("user_id = $1", userId, ct);

    /// <summary>In the caller's transaction: ends every session of the user, except <paramref name="keep"/> when given.</summary>
    public Task<IReadOnlyList<SessionRevocation>> RevokeAllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId,
        Guid? keep, CancellationToken ct) =>
        // Session ids are version 7 GUIDs, never empty: Guid.Empty keeps none.
        RevokeWhereAsync(connection, transaction, "user_id = $1 AND id <> $2", ct, userId, keep ?? Guid.Empty);

    /// <summary>
    /// Deletes, with their refresh tokens, up to <paramref name="limit"/> sessions nothing needs any more, once their
    /// last access token has expired: unrevoked ones after their expiry (a refresh just before it issued a token that
    /// lives one access-token lifetime longer), revoked ones after their revocation's expiry. Returns how many.
    /// </summary>
    public async Task<int> DeleteExpiredAsync(int limit, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var command = db.CreateCommand("""
            DELETE FROM sessions WHERE id IN (
                SELECT id FROM sessions
                WHERE (revoked_at IS NULL AND expires_at <= $2) OR (revoked_at IS NOT NULL AND revocation_expires_at <= $1)
                LIMIT $3)
            """);
        command.Bind(now);
        command.Bind(now - tokens.AccessTokenLifetime - JwtOptions.ClockSkew);
        command.Bind(limit);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask<bool> IsRevokedAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT revoked_at IS NOT NULL FROM sessions WHERE id = $1");
        command.Bind(Guid.Parse(sessionId));
        return await command.ExecuteScalarAsync(cancellationToken) is not false;
    }

    /// <summary>Revocations not yet written to Redis, oldest first.</summary>
    public async Task<IReadOnlyList<SessionRevocation>> UnmirroredRevocationsAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT id, revocation_expires_at FROM sessions
            WHERE revoked_at IS NOT NULL AND NOT revocation_mirrored AND revocation_expires_at > $1
            ORDER BY revocation_expires_at LIMIT 1000
            """);
        command.Bind(time.GetUtcNow());
        return await ReadRevocationsAsync(command, ct);
    }

    public async Task MarkMirroredAsync(IEnumerable<Guid> sessionIds, CancellationToken ct)
    {
        await using var command = db.CreateCommand("UPDATE sessions SET revocation_mirrored = true WHERE id = ANY($1)");
        command.Bind(sessionIds.ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Redis lost its data: every unexpired revocation must be written again.</summary>
    public async Task MarkAllUnmirroredAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "UPDATE sessions SET revocation_mirrored = false WHERE revoked_at IS NOT NULL AND revocation_expires_at > $1");
        command.Bind(time.GetUtcNow());
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<IReadOnlyList<SessionRevocation>> RevokeAsync(string where, Guid key, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await RevokeWhereAsync(connection, null, where, ct, key);
    }

    /// <summary><paramref name="where"/> names <paramref name="keys"/> as $1, $2, ...</summary>
    private async Task<IReadOnlyList<SessionRevocation>> RevokeWhereAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        string where, CancellationToken ct, params Guid[] keys)
    {
        var now = time.GetUtcNow();
        await using var command = new NpgsqlCommand { Connection = connection, Transaction = transaction };
        foreach (var key in keys)
        {
            command.Bind(key);
        }

        var revokedAt = command.Bind(now);
        // Every access token of the session was issued before now, so none outlives now + lifetime (+ the skew verifiers allow).
        var until = command.Bind(now + tokens.AccessTokenLifetime + JwtOptions.ClockSkew);
        command.CommandText = $"""
            UPDATE sessions SET revoked_at = {revokedAt}, revocation_expires_at = {until}, revocation_mirrored = false
            WHERE {where} AND revoked_at IS NULL
            RETURNING id, revocation_expires_at
            """;
        return await ReadRevocationsAsync(command, ct);
    }

    private static async Task<IReadOnlyList<SessionRevocation>> ReadRevocationsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var revocations = new List<SessionRevocation>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            revocations.Add(new SessionRevocation(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return revocations;
    }

    private static async Task<string> InsertRefreshTokenAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid session,
        DateTimeOffset now, CancellationToken ct)
    {
        var (token, hash) = TokenIssuer.CreateRefreshToken();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)", connection, transaction);
        insert.Bind(hash);
        insert.Bind(session);
        insert.Bind(now);
        await insert.ExecuteNonQueryAsync(ct);
        return token;
    }
}
