using Memo.DevHost.Infrastructure;

namespace Memo.Tests.Hosting;

/// <summary>PostgreSQL, Redis, Memo.Auth, Memo.Notes and Memo.Gateway as local processes, started once per test class.</summary>
public class LocalMemoHost : IMemoHost, IAsyncLifetime
{
    private LocalStack? _stack;
    private ServiceProcess? _auth;
    private ServiceProcess? _notes;
    private ServiceProcess? _gateway;

    public LocalStack Stack => _stack ?? throw new InvalidOperationException("Not started.");

    public ServiceProcess Auth => _auth ?? throw new InvalidOperationException("Not started.");

    public ServiceProcess Notes => _notes ?? throw new InvalidOperationException("Not started.");

    public ServiceProcess Gateway => _gateway ?? throw new InvalidOperationException("Not started.");

    public Uri AuthUrl => Gateway.Url;

    public Uri NotesUrl => Gateway.Url;

    public Uri AuthServiceUrl => Auth.Url;

    public Uri NotesServiceUrl => Notes.Url;

    /// <summary>Settings that let tests see a key rotation within a second or two instead of the production intervals.</summary>
    public static readonly IReadOnlyDictionary<string, string> FastAuthSettings = new Dictionary<string, string>
    {
        ["SigningKeys__ReloadInterval"] = "00:00:01",
    };

    public static readonly IReadOnlyDictionary<string, string> FastNotesSettings = new Dictionary<string, string>
    {
        ["Jwks__MinimumRefreshInterval"] = "00:00:01",
        ["AccountEvents__ClaimIdleTime"] = "00:00:02",
    };

    /// <summary>
    /// The scenarios register and log in many users from one address: the fixture's gateway lets them through. The limits
    /// themselves are tested on gateways of their own (Local/GatewayTests.cs).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> RelaxedGatewaySettings = new Dictionary<string, string>
    {
        ["Gateway__RateLimits__PerClientPermitsPerSecond"] = "100000",
        ["Gateway__RateLimits__CredentialPermitsPerMinute"] = "100000",
    };

    /// <summary>The settings the fixture's Auth starts with.</summary>
    protected virtual IReadOnlyDictionary<string, string> AuthSettings => FastAuthSettings;

    public async Task InitializeAsync()
    {
        _stack = await LocalStack.StartAsync();
        _auth = await _stack.StartAuthAsync(AuthSettings);
        _notes = await _stack.StartNotesAsync(_auth.Url, FastNotesSettings);
        _gateway = await _stack.StartGatewayAsync(_auth.Url, _notes.Url, RelaxedGatewaySettings);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_notes is not null)
        {
            await _notes.DisposeAsync();
        }

        if (_auth is not null)
        {
            await _auth.DisposeAsync();
        }

        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    /// <summary>Restarts Memo.Auth on the same port, for tests that take it down.</summary>
    public async Task RestartAuthAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = Auth.Url.Port;
        await Auth.DisposeAsync();
        _auth = await Stack.StartAuthAsync(settings ?? AuthSettings, port);
    }

    /// <summary>Restarts the fixture's Memo.Notes on the same port, for tests that take it down.</summary>
    public async Task RestartNotesAsync()
    {
        var port = Notes.Url.Port;
        await Notes.DisposeAsync();
        _notes = await Stack.StartNotesAsync(Auth.Url, FastNotesSettings, port);
    }

    /// <summary>Restarts the gateway on the same port.</summary>
    public async Task RestartGatewayAsync()
    {
        var port = Gateway.Url.Port;
        await Gateway.DisposeAsync();
        _gateway = await Stack.StartGatewayAsync(Auth.Url, Notes.Url, RelaxedGatewaySettings, port);
    }

    public Task<string> AuthDatabaseConnectionStringAsync() => Task.FromResult(Stack.Postgres.ConnectionString(LocalStack.AuthDatabase));

    public Task<string> RedisConnectionStringAsync() => Task.FromResult(Stack.Redis.ConnectionString);

    public Task StopPostgresAsync() => Stack.Postgres.StopAsync();

    public Task StartPostgresAsync() => Stack.Postgres.StartAsync();

    public Task StopRedisAsync() => Stack.Redis.StopAsync();

    public Task StartRedisAsync() => Stack.Redis.StartAsync();

    /// <summary>Whether Redis is up, for tests that stop it to restore it in <c>finally</c>.</summary>
    public async Task<bool> RedisAnswersAsync()
    {
        try
        {
            await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Stack.Redis.ConnectionString);
            return redis.IsConnected;
        }
        catch (StackExchange.Redis.RedisConnectionException)
        {
            return false;
        }
    }
}
