using System.Security.Cryptography;

using Memo.Auth.Sessions;
using Memo.ServiceDefaults.Authentication;

using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

using Npgsql;

namespace Memo.Auth.Keys;

/// <summary>
/// The signing keys, kept in the auth database so that restarts and replicas share them, cached in memory as a <see cref="SigningKeyRing"/>.
/// </summary>
public sealed class SigningKeyStore(NpgsqlDataSource db, TimeProvider time, IOptions<TokenOptions> tokens, IOptions<SigningKeyOptions> options)
    : ISigningKeySource
{
    private const long CreateFirstKeyLockId = 0x4D656D6F4B; // "MemoK"
    private readonly SemaphoreSlim _reload = new(1, 1);
    private SigningKeyRing? _ring;
    private DateTimeOffset _loadedAt;

    public SigningKeyRing Ring => _ring ?? throw new InvalidOperationException("Signing keys are not loaded yet.");

    public SecurityKey? Find(string keyId) => _ring?.Find(keyId);

    /// <summary>A token may carry a key another replica created since our last reload: reread, at most once a second.</summary>
    public async ValueTask EnsureKnownAsync(string keyId, CancellationToken cancellationToken)
    {
        if (Find(keyId) is null && time.GetUtcNow() - _loadedAt > TimeSpan.FromSeconds(1))
        {
            await ReloadAsync(cancellationToken);
        }
    }

    /// <summary>Creates the first key if the database has none (once, however many replicas start together) and loads the ring.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await db.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({CreateFirstKeyLockId})", connection, transaction);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM signing_keys", connection, transaction);
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                await InsertNewKeyAsync(connection, transaction, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        await ReloadAsync(cancellationToken);
    }

    /// <summary>Adds a new key, which becomes the active one; older keys stay published until their tokens have expired.</summary>
    public async Task<string> RotateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var kid = await InsertNewKeyAsync(connection, null, cancellationToken);
        await ReloadAsync(cancellationToken);
        return kid;
    }

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            var keys = new List<(string, RsaSecurityKey, DateTimeOffset)>();
            await using var command = db.CreateCommand("SELECT kid, private_key, created_at FROM signing_keys ORDER BY created_at, kid");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var kid = reader.GetString(0);
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(reader.GetFieldValue<byte[]>(1), out _);
                keys.Add((kid, new RsaSecurityKey(rsa) { KeyId = kid }, reader.GetFieldValue<DateTimeOffset>(2)));
            }

            _loadedAt = time.GetUtcNow();
            _ring = new SigningKeyRing(keys, tokens.Value.AccessTokenLifetime, _loadedAt);
        }
        finally
        {
            _reload.Release();
        }
    }

    public TimeSpan ReloadInterval => options.Value.ReloadInterval;

    private async Task<string> InsertNewKeyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        using var rsa = RSA.Create(2048);
        var kid = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12));
        await using var insert = new NpgsqlCommand("INSERT INTO signing_keys (kid, private_key, created_at) VALUES (@kid, @key, @now)", connection, transaction);
        insert.Parameters.AddWithValue("kid", kid);
        insert.Parameters.AddWithValue("key", rsa.ExportPkcs8PrivateKey());
        insert.Parameters.AddWithValue("now", time.GetUtcNow());
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return kid;
    }
}
