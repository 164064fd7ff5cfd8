using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

using Memo.ServiceDefaults.Data;

using Microsoft.Extensions.Options;

using Npgsql;

namespace Memo.Auth.Throttling;

/// <summary>
/// Device tokens (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): each successful login returns one,
/// and a later login of the same account that presents it is throttled on that device's own failures only.
/// A token is base64url(version | user id | device nonce | issued at | HMAC-SHA256 of the rest), signed with a secret
/// generated once and kept in the auth database, so every replica accepts what another issued. Nothing is stored per
/// device: the nonce names the device's failure counter.
/// </summary>
public sealed class DeviceTokens(NpgsqlDataSource db, TimeProvider time, IOptions<LoginThrottleOptions> options)
{
    private const string SecretName = "device-tokens";
    private const byte Version = 1;
    private const int NonceBytes = 16;
    private const int SignedBytes = 1 + 16 + NonceBytes + 8;
    private const int TokenBytes = SignedBytes + 32;
    private byte[]? _secret;

    /// <summary>Creates the secret if the database has none (the first replica to start wins) and loads it.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using (var insert = db.CreateCommand(
            "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING"))
        {
            insert.Bind(SecretName);
            insert.Bind(RandomNumberGenerator.GetBytes(32));
            insert.Bind(time.GetUtcNow());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // A statement of its own, so that it sees the row whichever replica inserted it.
        await using var select = db.CreateCommand("SELECT value FROM secrets WHERE name = $1");
        select.Bind(SecretName);
        _secret = (byte[])(await select.ExecuteScalarAsync(cancellationToken))!;
    }

    public string Issue(Guid userId)
    {
        var token = new byte[TokenBytes];
        token[0] = Version;
        userId.TryWriteBytes(token.AsSpan(1, 16));
        RandomNumberGenerator.Fill(token.AsSpan(17, NonceBytes));
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(17 + NonceBytes, 8), time.GetUtcNow().ToUnixTimeSeconds());
        HMACSHA256.HashData(Secret, token.AsSpan(0, SignedBytes), token.AsSpan(SignedBytes));
        return Base64Url.EncodeToString(token);
    }

    /// <summary>
    /// The device a token names, when it is one of ours, unexpired and issued to <paramref name="userId"/>; null
    /// otherwise: an invalid, foreign or expired token counts as no token at all.
    /// </summary>
    public string? DeviceOf(string? token, Guid? userId)
    {
        if (token is null || userId is null || !Base64Url.IsValid(token, out var length) || length != TokenBytes)
        {
            return null;
        }

        var bytes = Base64Url.DecodeFromChars(token);
        if (bytes[0] != Version
            || !CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(Secret, bytes.AsSpan(0, SignedBytes)), bytes.AsSpan(SignedBytes))
            || new Guid(bytes.AsSpan(1, 16)) != userId)
        {
            return null;
        }

        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(17 + NonceBytes, 8)));
        return issuedAt + options.Value.DeviceTokenLifetime > time.GetUtcNow()
            ? Base64Url.EncodeToString(bytes.AsSpan(17, NonceBytes))
            : null;
    }

    private byte[] Secret => _secret ?? throw new InvalidOperationException("The device-token secret is not loaded yet.");
}
