using System.Text.Json;

using Memo.Web.Sessions;

using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

using StackExchange.Redis;

namespace Memo.Tests.Browser;

/// <summary>
/// Reads the browser sessions Memo.Web keeps in Redis, decrypting them with Memo.Web's key ring (also in Redis), so a
/// test knows the real token values it must never find in the browser.
/// </summary>
public sealed class ServerSessions : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly IDataProtector _protector;

    private ServerSessions(ConnectionMultiplexer redis)
    {
        _redis = redis;
        var services = new ServiceCollection();
        services.AddDataProtection()
            .SetApplicationName(SessionsExtensions.DataProtectionApplicationName)
            .PersistKeysToStackExchangeRedis(redis, SessionsExtensions.DataProtectionKeysKey);
        _protector = services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>().CreateProtector(SessionStore.ProtectorPurpose);
    }

    public static async Task<ServerSessions> ConnectAsync(string redisConnectionString) =>
        new(await ConnectionMultiplexer.ConnectAsync(redisConnectionString));

    /// <summary>Every stored session by its Redis key: the raw value and the tokens decrypted from it.</summary>
    public async Task<Dictionary<string, (byte[] Stored, SessionTokens Tokens)>> AllAsync()
    {
        var sessions = new Dictionary<string, (byte[], SessionTokens)>();
        foreach (var key in _redis.GetServers()[0].Keys(pattern: SessionStore.KeyPrefix + "*"))
        {
            if (await FindAsync(key!) is { } session)
            {
                sessions[key!] = session;
            }
        }

        return sessions;
    }

    public async Task<(byte[] Stored, SessionTokens Tokens)?> FindAsync(string key)
    {
        var value = await _redis.GetDatabase().StringGetAsync(key);
        if (value.IsNullOrEmpty)
        {
            return null;
        }

        var stored = (byte[])value!;
        return (stored, JsonSerializer.Deserialize<SessionTokens>(_protector.Unprotect(stored))!);
    }

    public ValueTask DisposeAsync() => _redis.DisposeAsync();
}
