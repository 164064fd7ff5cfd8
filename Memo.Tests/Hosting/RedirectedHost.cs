namespace Memo.Tests.Hosting;

/// <summary>A running system seen through other addresses: another instance of a service or of the gateway, started by a test beside the fixture's.</summary>
public static class RedirectedHost
{
    /// <summary>The same system, with Auth requests sent straight to <paramref name="auth"/>.</summary>
    public static IMemoHost WithAuth(this IMemoHost host, Uri auth) => new Redirected(host, auth, null, auth, null);

    /// <summary>The same system, with Notes requests sent straight to <paramref name="notes"/>.</summary>
    public static IMemoHost WithNotes(this IMemoHost host, Uri notes) => new Redirected(host, null, notes, null, notes);

    /// <summary>The same system through another gateway, at <paramref name="gateway"/>.</summary>
    public static IMemoHost WithGateway(this IMemoHost host, Uri gateway) => new Redirected(host, gateway, gateway, null, null);

    private sealed class Redirected(IMemoHost inner, Uri? auth, Uri? notes, Uri? authService, Uri? notesService) : IMemoHost
    {
        public Uri AuthUrl => auth ?? inner.AuthUrl;

        public Uri NotesUrl => notes ?? inner.NotesUrl;

        public Uri AuthServiceUrl => authService ?? inner.AuthServiceUrl;

        public Uri NotesServiceUrl => notesService ?? inner.NotesServiceUrl;

        public Task<string> AuthDatabaseConnectionStringAsync() => inner.AuthDatabaseConnectionStringAsync();

        public Task<string> RedisConnectionStringAsync() => inner.RedisConnectionStringAsync();

        public Task StopPostgresAsync() => inner.StopPostgresAsync();

        public Task StartPostgresAsync() => inner.StartPostgresAsync();

        public Task StopRedisAsync() => inner.StopRedisAsync();

        public Task StartRedisAsync() => inner.StartRedisAsync();
    }
}
