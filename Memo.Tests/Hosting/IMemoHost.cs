namespace Memo.Tests.Hosting;

/// <summary>
/// A running Memo system the scenarios talk to over HTTP: the local processes (<see cref="LocalMemoHost"/>) or the
/// Aspire AppHost (Aspire/AspireMemoHost.cs). Fault operations stop and start the real servers.
/// </summary>
public interface IMemoHost
{
    Uri AuthUrl { get; }

    Uri NotesUrl { get; }

    /// <summary>Connection strings, for the checks that look behind the API (signing keys, the Redis cache).</summary>
    Task<string> AuthDatabaseConnectionStringAsync();

    Task<string> RedisConnectionStringAsync();

    Task StopPostgresAsync();

    Task StartPostgresAsync();

    /// <summary>Stops Redis; it comes back empty, as a crashed cache does.</summary>
    Task StopRedisAsync();

    Task StartRedisAsync();
}
