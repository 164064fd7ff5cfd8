namespace Memo.Tests.Hosting;

/// <summary>
/// A running Memo system the scenarios talk to over HTTP: the local processes (<see cref="LocalMemoHost"/>) or the
/// Aspire AppHost (Aspire/AspireMemoHost.cs). Fault operations stop and start the real servers.
/// </summary>
public interface IMemoHost
{
    /// <summary>Where a client sends Auth's requests: the gateway, as users reach Memo.</summary>
    Uri AuthUrl { get; }

    /// <summary>Where a client sends Notes' requests: the gateway.</summary>
    Uri NotesUrl { get; }

    /// <summary>Memo.Auth's own address behind the gateway, for what the gateway does not route (health, OpenAPI).</summary>
    Uri AuthServiceUrl { get; }

    /// <summary>Memo.Notes' own address behind the gateway.</summary>
    Uri NotesServiceUrl { get; }

    /// <summary>Connection strings, for the checks that look behind the API (signing keys, the Redis cache).</summary>
    Task<string> AuthDatabaseConnectionStringAsync();

    Task<string> RedisConnectionStringAsync();

    Task StopPostgresAsync();

    Task StartPostgresAsync();

    /// <summary>Stops Redis; it comes back empty, as a crashed cache does.</summary>
    Task StopRedisAsync();

    Task StartRedisAsync();
}
