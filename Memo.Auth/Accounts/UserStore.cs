using Npgsql;

namespace Memo.Auth.Accounts;

public sealed record User(Guid Id, string Email, string? DisplayName, string PasswordHash);

public sealed class UserStore(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>Emails compare case-insensitively: this is the form they are unique and looked up in.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    /// <summary>The new user, or null when the email is taken.</summary>
    public async Task<User?> CreateAsync(string email, string? displayName, string passwordHash, CancellationToken ct)
    {
        var user = new User(Guid.CreateVersion7(time.GetUtcNow()), email.Trim(), displayName, passwordHash);
        await using var command = db.CreateCommand("""
            INSERT INTO users (id, email, email_normalized, display_name, password_hash, created_at)
            VALUES (@id, @email, @normalized, @name, @hash, @now)
            ON CONFLICT (email_normalized) DO NOTHING
            """);
        command.Parameters.AddWithValue("id", user.Id);
        command.Parameters.AddWithValue("email", user.Email);
        command.Parameters.AddWithValue("normalized", Normalize(email));
        command.Parameters.AddWithValue("name", (object?)displayName ?? DBNull.Value);
        command.Parameters.AddWithValue("hash", passwordHash);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        return await command.ExecuteNonQueryAsync(ct) == 1 ? user : null;
    }

    public Task<User?> FindByEmailAsync(string email, CancellationToken ct) =>
        FindAsync("email_normalized = @key", Normalize(email), ct);

    public Task<User?> FindByIdAsync(Guid id, CancellationToken ct) => FindAsync("id = @key", id, ct);

    public async Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken ct)
    {
        await using var command = db.CreateCommand("UPDATE users SET password_hash = @hash WHERE id = @id");
        command.Parameters.AddWithValue("hash", passwordHash);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<User?> FindAsync(string where, object key, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT id, email, display_name, password_hash FROM users WHERE {where}");
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new User(reader.GetGuid(0), reader.GetString(1), await reader.IsDBNullAsync(2, ct) ? null : reader.GetString(2), reader.GetString(3))
            : null;
    }
}
