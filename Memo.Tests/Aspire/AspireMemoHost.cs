using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Memo.Tests.Hosting;

namespace Memo.Tests.Aspire;

/// <summary>
/// The whole system started by Memo.AppHost through <see cref="DistributedApplicationTestingBuilder"/>: containers for
/// PostgreSQL and Redis, the services and the gateway as projects. Clients go through the gateway, as users do. Faults
/// use the resource commands the dashboard's stop and start buttons use.
/// </summary>
public sealed class AspireMemoHost : IMemoHost, IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private DistributedApplication? _app;

    private DistributedApplication App => _app ?? throw new InvalidOperationException("Not started.");

    public Uri AuthUrl => App.GetEndpoint("gateway", "http");

    public Uri NotesUrl => App.GetEndpoint("gateway", "http");

    public Uri AuthServiceUrl => App.GetEndpoint("auth", "http");

    public Uri NotesServiceUrl => App.GetEndpoint("notes", "http");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Memo_AppHost>(timeout.Token);
        var gateway = builder.CreateResourceBuilder<ProjectResource>("gateway");
        foreach (var (name, value) in LocalMemoHost.RelaxedGatewaySettings)
        {
            gateway.WithEnvironment(name, value);
        }

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        foreach (var resource in new[] { "auth", "notes", "gateway" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public async Task<string> AuthDatabaseConnectionStringAsync() =>
        await App.GetConnectionStringAsync("authdb") ?? throw new InvalidOperationException("No connection string for authdb.");

    public async Task<string> RedisConnectionStringAsync() =>
        await App.GetConnectionStringAsync("cache") ?? throw new InvalidOperationException("No connection string for cache.");

    public Task StopPostgresAsync() => RunAsync("postgres", KnownResourceCommands.StopCommand);

    public Task StartPostgresAsync() => StartAsync("postgres");

    public Task StopRedisAsync() => RunAsync("cache", KnownResourceCommands.StopCommand);

    public Task StartRedisAsync() => StartAsync("cache");

    private async Task StartAsync(string resource)
    {
        await RunAsync(resource, KnownResourceCommands.StartCommand);
        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
    }

    private async Task RunAsync(string resource, string command)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command);
        Assert.True(result.Success, $"{command} {resource}: {result.ErrorMessage}");
    }
}
