using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Memo.DevHost.Infrastructure;
using Memo.ServiceDefaults.Authentication;
using Memo.Tests.Hosting;

using Microsoft.IdentityModel.JsonWebTokens;

using StackExchange.Redis;

namespace Memo.Tests.Local;

/// <summary>
/// Memo.Auth as AWS Lambda runs it (deploy/aws): the function's configuration from the CDK app, the adapter's port, a
/// read-only file system but <c>/tmp</c>, and the process frozen
/// (SIGSTOP) between invocations. Every idle period is longer than every interval of its periodic work (the key reload
/// interval is shortened to 1 s, the revocation repair's is 1 s), so each stands for minutes of a real idle function.
/// </summary>
public sealed class LambdaTests(LocalMemoHost host) : IClassFixture<LocalMemoHost>, IAsyncLifetime
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1.5);
    private ServiceProcess? _function;
    private MemoClient? _client;

    private ServiceProcess Function => _function ?? throw new InvalidOperationException("Not started.");

    private MemoClient Client => _client ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _function = await host.Stack.StartAuthAsLambdaAsync(new Dictionary<string, string> { ["SigningKeys__ReloadInterval"] = "00:00:01" });
        _client = new MemoClient(host.WithAuth(_function.Url));
        await _function.FreezeAsync();
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_function is not null)
        {
            await _function.DisposeAsync();
        }
    }

    [Fact]
    public async Task Login_refresh_logout_and_the_JWKS_work_across_frozen_idle_periods_and_a_key_rotated_meanwhile_is_used_at_once()
    {
        var user = await InvokeAsync(() => Client.NewUserAsync());
        var firstKid = new JsonWebToken(user.Tokens.AccessToken).Kid;
        Assert.Contains(firstKid, await InvokeAsync(PublishedKeyIdsAsync));

        await Task.Delay(Idle);
        var (exitCode, output) = await ServiceProcess.RunCommandAsync(LocalStack.AuthProject, host.Stack.AuthEnvironment(), host.Stack.LogDirectory, ["rotate-signing-key"]);
        Assert.True(exitCode == 0, output);
        await Task.Delay(Idle);

        // The first request after the thaw already sees the new key: the reload ran before it.
        var published = await InvokeAsync(PublishedKeyIdsAsync);
        Assert.Contains(firstKid, published);
        var newKid = Assert.Single(published, kid => kid != firstKid);
        await Task.Delay(Idle);
        var tokens = await InvokeAsync(() => Client.LoginAsync(user.Email, user.Password));
        Assert.Equal(newKid, new JsonWebToken(tokens.AccessToken).Kid);

        await Task.Delay(Idle);
        using var refreshed = await InvokeAsync(() => Client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = tokens.RefreshToken }));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var access = (await refreshed.Content.ReadFromJsonAsync<Tokens>())!.AccessToken;
        Assert.Equal(newKid, new JsonWebToken(access).Kid);
        await AssertNotesAsync(access, HttpStatusCode.OK);

        await Task.Delay(Idle);
        using var me = await InvokeAsync(() => Client.Auth(HttpMethod.Get, "/auth/me", token: access));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var logout = await InvokeAsync(() => Client.Auth(HttpMethod.Post, "/auth/logout", token: access));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        // Checked while the function is frozen: the revocation was written within the invocation.
        Assert.True(await IsRevokedInRedisAsync(access));
        await AssertNotesAsync(access, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Revocations_reach_Redis_when_it_restarted_empty_while_the_function_was_frozen()
    {
        var before = await InvokeAsync(() => Client.NewUserAsync());
        var after = await InvokeAsync(() => Client.NewUserAsync());
        using (var logout = await InvokeAsync(() => Client.Auth(HttpMethod.Post, "/auth/logout", token: before.Tokens.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        Assert.True(await IsRevokedInRedisAsync(before.Tokens.AccessToken));

        // Only the function may restore and write: the fixture's Auth, whose repair runs every second on a timer, would
        // restore for it, and the loop below could end before the function had replaced its connection to the old
        // Redis (one CI run most likely failed so: the logout's write met that connection).
        await host.Auth.StopAsync();
        try
        {
            await host.StopRedisAsync();
            await host.StartRedisAsync();
            Assert.False(await IsRevokedInRedisAsync(before.Tokens.AccessToken));
            await Task.Delay(Idle);

            // What the schedule does when no one calls: the Web Adapter posts the EventBridge event to /maintenance.
            // The first invocation may find the connection to the old Redis dead and reconnect; the next ones restore.
            await InvokeUntilAsync(
                () => Client.Auth(HttpMethod.Post, "/maintenance", new { source = "aws.events", detail_type = "Scheduled Event" }),
                () => IsRevokedInRedisAsync(before.Tokens.AccessToken));

            await Task.Delay(Idle);
            using (var logout = await InvokeAsync(() => Client.Auth(HttpMethod.Post, "/auth/logout", token: after.Tokens.AccessToken)))
            {
                Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
            }

            Assert.True(await IsRevokedInRedisAsync(after.Tokens.AccessToken));
            await host.RestartAuthAsync();
            await AssertNotesAsync(after.Tokens.AccessToken, HttpStatusCode.Unauthorized);

            // A Notes instance started now knows only what Redis holds: the revocation made before the restart too.
            await using var fresh = await host.Stack.StartNotesAsync(host.AuthUrl);
            using var freshClient = new MemoClient(host.WithNotes(fresh.Url));
            using var refused = await freshClient.Notes(HttpMethod.Get, "/notes", token: before.Tokens.AccessToken);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        finally
        {
            if (!await host.RedisAnswersAsync())
            {
                await host.StartRedisAsync();
            }

            if (host.Auth.HasExited)
            {
                await host.RestartAuthAsync();
            }
        }
    }

    [Fact]
    public async Task An_account_deletion_is_published_within_its_invocation_or_once_Redis_is_back_by_a_later_one()
    {
        var published = await InvokeAsync(() => Client.NewOwnerAsync(3));
        var delayed = await InvokeAsync(() => Client.NewOwnerAsync(3));

        // Only the function may publish: the fixture's Auth, on timers, would do it for it.
        await host.Auth.StopAsync();
        try
        {
            using (var deleted = await InvokeAsync(() => Client.Auth(HttpMethod.Delete, "/auth/me", new { password = published.User.Password }, published.User.Tokens.AccessToken)))
            {
                Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            }

            // Checked while the function is frozen: the event went out within the invocation.
            Assert.NotNull((await host.OutboxSentAtAsync(published.User.Id)).Single());
            await host.AssertNotesGoneAsync(published.User.Id);

            await host.StopRedisAsync();
            await Task.Delay(Idle);
            using (var deleted = await InvokeAsync(() => Client.Auth(HttpMethod.Delete, "/auth/me", new { password = delayed.User.Password }, delayed.User.Tokens.AccessToken)))
            {
                Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            }

            Assert.Equal([null], await host.OutboxSentAtAsync(delayed.User.Id));
            await host.StartRedisAsync();
            await Task.Delay(Idle);

            // No one calls: the schedule's /maintenance publishes what Redis missed.
            await InvokeUntilAsync(
                () => Client.Auth(HttpMethod.Post, "/maintenance", new { source = "aws.events", detail_type = "Scheduled Event" }),
                async () => (await host.OutboxSentAtAsync(delayed.User.Id)).Single() is not null);
            await host.AssertNotesGoneAsync(delayed.User.Id);
        }
        finally
        {
            if (!await host.RedisAnswersAsync())
            {
                await host.StartRedisAsync();
            }

            await host.RestartAuthAsync();
        }
    }

    [Fact]
    public async Task The_function_writes_nothing_outside_tmp_and_leaves_no_files_there()
    {
        await InvokeAsync(() => Client.NewUserAsync());
        await Task.Delay(Idle);
        await InvokeAsync(PublishedKeyIdsAsync);

        // The process's own view of its mounts (the last one at a path hides the others): all read-only but /tmp.
        var mounts = (await File.ReadAllLinesAsync($"/proc/{Function.ProcessId}/mountinfo")).Select(line => line.Split(' '))
            .GroupBy(fields => fields[4]).Select(atPath => (Target: atPath.Key, Options: atPath.Last()[5].Split(',')));
        var writable = mounts.Where(m => m.Options.Contains("rw")).Select(m => m.Target)
            .Where(target => !target.StartsWith("/proc", StringComparison.Ordinal) && !target.StartsWith("/sys", StringComparison.Ordinal) && target != "/dev/pts")
            .ToList();
        Assert.Equal(["/tmp"], writable);

        // /tmp as the process sees it: at most the runtime's diagnostics socket and debugger pipes, nothing of Memo.Auth's own.
        var files = Directory.EnumerateFileSystemEntries($"/proc/{Function.ProcessId}/root/tmp").Select(Path.GetFileName).ToList();
        Assert.All(files, name => Assert.True(name!.StartsWith("dotnet-diagnostic-", StringComparison.Ordinal) || name.StartsWith("clr-debug-pipe-", StringComparison.Ordinal), name));
        Assert.False(Function.HasExited);
    }

    [Fact]
    public async Task The_discovery_document_points_at_the_public_https_address_the_API_Gateway_forwards()
    {
        // What the Web Adapter passes on from the API Gateway's event.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Function.Url, "/.well-known/openid-configuration"));
        request.Headers.Host = "abc123.execute-api.eu-west-1.amazonaws.com";
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var discovery = await InvokeAsync(() => Client.SendAsync(request));
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        var document = await discovery.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://abc123.execute-api.eu-west-1.amazonaws.com/.well-known/jwks.json", document.GetProperty("jwks_uri").GetString());
    }

    /// <summary>One invocation: the process runs only while the request is served, as under Lambda.</summary>
    private async Task<T> InvokeAsync<T>(Func<Task<T>> call)
    {
        await Function.ThawAsync();
        try
        {
            return await call();
        }
        finally
        {
            await Function.FreezeAsync();
        }
    }

    private async Task InvokeUntilAsync(Func<Task<HttpResponseMessage>> call, Func<Task<bool>> done)
    {
        for (var invocation = 1; !await done(); invocation++)
        {
            Assert.True(invocation <= 5, "Five invocations, each after an idle period, did not get there.");
            using var response = await InvokeAsync(call);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            await Task.Delay(Idle);
        }
    }

    private async Task<List<string?>> PublishedKeyIdsAsync()
    {
        using var jwks = await Client.Auth(HttpMethod.Get, "/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
        return (await jwks.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ToList();
    }

    private async Task AssertNotesAsync(string accessToken, HttpStatusCode expected)
    {
        using var notes = new MemoClient(host);
        await notes.WaitForStatusAsync(() => notes.Notes(HttpMethod.Get, "/notes", token: accessToken), expected, TimeSpan.FromSeconds(5));
    }

    private async Task<bool> IsRevokedInRedisAsync(string accessToken)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(host.Stack.Redis.ConnectionString);
        return await redis.GetDatabase().KeyExistsAsync(RevocationChannel.Key(new JsonWebToken(accessToken).GetClaim("sid").Value));
    }
}
