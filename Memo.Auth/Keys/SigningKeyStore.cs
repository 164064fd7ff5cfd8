using System.Security.Cryptography;

using Memo.Auth.Sessions;
using Memo.ServiceDefaults.Authentication;
using Memo.ServiceDefaults.Data;

using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

using Npgsql;

namespace Memo.Auth.Keys;

/// <summary>
/// The signing keys, kept in the auth database so that restarts and replicas share them, cached in memory as a <see cref="SigningKeyRing"/>.
/// RS256 keys live in <c>signing_keys</c>, the table Memo.Auth before ES256 reads (it imports every row as RSA); ES256
/// keys in <c>jwt_signing_keys</c>, which that code never reads, so both can run side by side during a rolling upgrade.
/// </summary>
public sealed class SigningKeyStore(NpgsqlDataSource db, TimeProvider time, IOptions<TokenOptions> tokens, IOptions<SigningKeyOptions> options)
    : ISigningKeySource
{
    private const long CreateFirstKeyLockId = 0x4D656D6F4B; // "MemoK", the lock Memo.Auth before ES256 takes too
    private readonly SemaphoreSlim _reload = new(1, 1);
    private SigningKeyRing? _ring;
    private DateTimeOffset _loadedAt;

    public SigningKeyRing Ring => _ring ?? throw new InvalidOperationException("Signing keys are not loaded yet.");

    public VerificationKey? Find(string keyId) => _ring?.Find(keyId);

    /// <summary>A token may carry a key another replica created since our last reload: reread, at most once a second.</summary>
    public async ValueTask EnsureKnownAsync(string keyId, CancellationToken cancellationToken)
    {
        if (Find(keyId) is null && time.GetUtcNow() - _loadedAt > TimeSpan.FromSeconds(1))
        {
            await ReloadAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Creates the first key (of the configured algorithm) if the database has none, once however many replicas start
    /// together, and loads the ring.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await db.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({CreateFirstKeyLockId})", connection, transaction);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            await using var count = new NpgsqlCommand("SELECT (SELECT count(*) FROM signing_keys) + (SELECT count(*) FROM jwt_signing_keys)", connection, transaction);
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                await InsertNewKeyAsync(connection, transaction, options.Value.Algorithm, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        await ReloadAsync(cancellationToken);
    }

    /// <summary>
    /// Adds a new key of <paramref name="algorithm"/> (ES256 or RS256), which becomes the active one; older keys stay
    /// published until their tokens have expired.
    /// </summary>
    public async Task<string> RotateAsync(string algorithm, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var kid = await InsertNewKeyAsync(connection, null, algorithm, cancellationToken);
        await ReloadAsync(cancellationToken);
        return kid;
    }

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            var keys = new List<(string, string, AsymmetricSecurityKey, DateTimeOffset)>();
            // An algorithm a later version may add to jwt_signing_keys is skipped here, not misread.
            await using var command = db.CreateCommand($"""
                SELECT kid, '{JwtOptions.Rs256}', private_key, created_at FROM signing_keys
                UNION ALL
                SELECT kid, algorithm, private_key, created_at FROM jwt_signing_keys WHERE algorithm = '{JwtOptions.Es256}'
                ORDER BY created_at, kid
                """);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var (kid, algorithm) = (reader.GetString(0), reader.GetString(1));
                keys.Add((kid, algorithm, Import(kid, algorithm, reader.GetFieldValue<byte[]>(2)), reader.GetFieldValue<DateTimeOffset>(3)));
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

    private static AsymmetricSecurityKey Import(string kid, string algorithm, byte[] pkcs8)
    {
        if (algorithm == JwtOptions.Rs256)
        {
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return new RsaSecurityKey(rsa) { KeyId = kid };
        }

        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
        return new ECDsaSecurityKey(ecdsa) { KeyId = kid };
    }

    private async Task<string> InsertNewKeyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string algorithm, CancellationToken cancellationToken)
    {
        var kid = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12));
        using AsymmetricAlgorithm key = algorithm switch
        {
            JwtOptions.Rs256 => RSA.Create(2048),
            JwtOptions.Es256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, $"Memo signs with {JwtOptions.Es256} or {JwtOptions.Rs256}."),
        };
        // RS256 keys go where Memo.Auth before ES256 looks for keys, so that it signs with the newest of them too.
        await using var insert = new NpgsqlCommand(algorithm == JwtOptions.Rs256
            ? "INSERT INTO signing_keys (kid, private_key, created_at) VALUES ($1, $2, $3)"
            : "INSERT INTO jwt_signing_keys (kid, private_key, created_at, algorithm) VALUES ($1, $2, $3, $4)", connection, transaction);
        insert.Bind(kid);
        insert.Bind(key.ExportPkcs8PrivateKey());
        insert.Bind(time.GetUtcNow());
        if (algorithm != JwtOptions.Rs256)
        {
            insert.Bind(algorithm);
        }

        await insert.ExecuteNonQueryAsync(cancellationToken);
        return kid;
    }
}
