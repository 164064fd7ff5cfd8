using System.Security.Cryptography;
using System.Text.Json;

using Memo.Web.Errors;

using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

using StackExchange.Redis;

namespace Memo.Web.Sessions;

/// <summary>
/// Each browser session's tokens in Redis under a random session id, encrypted with Data Protection, so every Web
/// instance (and every interactive circuit) sees the current pair and Redis never holds a usable token in clear.
/// An entry lives until its refresh token expires, which bounds the session.
/// </summary>
public sealed partial class SessionStore(IConnectionMultiplexer redis, IDataProtectionProvider dataProtection, TimeProvider time, ILogger<SessionStore> logger)
{
    public const string KeyPrefix = "memo:web:session:";
    public const string ProtectorPurpose = "Memo.Web.Sessions.v1";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(ProtectorPurpose);

    public async Task<string> CreateAsync(SessionTokens tokens)
    {
        var id = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        await SaveAsync(id, tokens);
        return id;
    }

    public async Task<SessionTokens?> FindAsync(string id)
    {
        var value = await RedisAsync(db => db.StringGetAsync(KeyPrefix + id));
        if (value.IsNullOrEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<SessionTokens>(_protector.Unprotect((byte[])value!));
        }
        catch (CryptographicException e)
        {
            // A value this key ring cannot read (keys lost): the session cannot be used, so it ends.
            LogUnreadable(logger, e);
            return null;
        }
    }

    public Task SaveAsync(string id, SessionTokens tokens)
    {
        var value = _protector.Protect(JsonSerializer.SerializeToUtf8Bytes(tokens));
        var lifetime = tokens.RefreshTokenExpiresAt - time.GetUtcNow();
        return RedisAsync(db => db.StringSetAsync(KeyPrefix + id, value, lifetime > TimeSpan.Zero ? lifetime : TimeSpan.FromSeconds(1)));
    }

    public Task DeleteAsync(string id) => RedisAsync(db => db.KeyDeleteAsync(KeyPrefix + id));

    private async Task<T> RedisAsync<T>(Func<IDatabase, Task<T>> call)
    {
        try
        {
            return await call(redis.GetDatabase());
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            throw new ServiceUnavailableException(MemoService.Cache, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A stored session could not be decrypted; it is treated as ended.")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);
}
