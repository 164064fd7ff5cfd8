namespace Memo.Tests.Hosting;

/// <summary>A running system seen through other addresses: another instance of a service, started by a test beside the fixture's.</summary>
public static class RedirectedHost
{
    /// <summary>The same system, with Auth requests sent to <paramref name="auth"/>.</summary>
    public static IMemoHost WithAuth(this IMemoHost host, Uri auth) => new Redirected(host, auth, null);

    /// <summary>The same system, with Notes requests sent to <paramref name="notes"/>.</summary>
    public static IMemoHost WithNotes(this IMemoHost host, Uri notes) => new Redirected(host, null, notes);

    private sealed class Redirected(IMemoHost inner, Uri? auth, Uri? notes) : IMemoHost
    {
        public Uri AuthUrl => auth ?? inner.AuthUrl;

        public Uri NotesUrl => notes ?? inner.NotesUrl;

        public Task<string> AuthDatabaseConnectionStringAsync() => inner.AuthDatabaseConnectionStringAsync();

        public Task<string> RedisConnectionStringAsync() => inner.RedisConnectionStringAsync();

        public Task StopPostgresAsync() => inner.StopPostgresAsync();

        public Task StartPostgresAsync() => inner.StartPostgresAsync();

        public Task StopRedisAsync() => inner.StopRedisAsync();

        public Task StartRedisAsync() => inner.StartRedisAsync();
    }
}
