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

    /// <summary>Every stored session: its raw Redis value and the tokens decrypted from it.</summary>
    public async Task<List<(byte[] Stored, SessionTokens Tokens)>> AllAsync()
    {
        var sessions = new List<(byte[], SessionTokens)>();
        var db = _redis.GetDatabase();
        foreach (var key in _redis.GetServers()[0].Keys(pattern: SessionStore.KeyPrefix + "*"))
        {
            if (await db.StringGetAsync(key) is { IsNullOrEmpty: false } value)
            {
                var stored = (byte[])value!;
                sessions.Add((stored, JsonSerializer.Deserialize<SessionTokens>(_protector.Unprotect(stored))!));
            }
        }

        return sessions;
    }

    public ValueTask DisposeAsync() => _redis.DisposeAsync();
}
