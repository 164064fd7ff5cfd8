using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Memo.DevHost.Infrastructure;
using Memo.Tests.Hosting;
using Memo.Tests.Scenarios;

using Microsoft.IdentityModel.JsonWebTokens;

using Npgsql;

namespace Memo.Tests.Local;

/// <summary>What only the local host can do: start extra instances, run commands, kill servers with SIGKILL, misconfigure.</summary>
public sealed class LocalSystemTests(LocalMemoHost host) : IClassFixture<LocalMemoHost>, IDisposable
{
    private readonly MemoClient _client = new(host);

    [Theory]
    [InlineData(LocalStack.AuthProject, "ConnectionStrings__authdb")]
    [InlineData(LocalStack.NotesProject, "ConnectionStrings__notesdb")]
    [InlineData(LocalStack.NotesProject, "ConnectionStrings__cache")]
    [InlineData(LocalStack.NotesProject, "services__auth__http__0")]
    [InlineData(LocalStack.WebProject, "ConnectionStrings__cache")]
    [InlineData(LocalStack.WebProject, "services__auth__http__0")]
    [InlineData(LocalStack.WebProject, "services__notes__http__0")]
    [InlineData(LocalStack.GatewayProject, "services__auth__http__0")]
    [InlineData(LocalStack.GatewayProject, "services__notes__http__0")]
    public async Task A_service_missing_a_required_setting_fails_fast_naming_it(string project, string setting)
    {
        var environment = project switch
        {
            LocalStack.AuthProject => host.Stack.AuthEnvironment(),
            LocalStack.NotesProject => host.Stack.NotesEnvironment(host.AuthServiceUrl),
            LocalStack.WebProject => host.Stack.WebEnvironment(host.AuthServiceUrl, host.NotesServiceUrl),
            _ => LocalStack.GatewayEnvironment(host.AuthServiceUrl, host.NotesServiceUrl),
        };
        Assert.True(environment.Remove(setting));
        var failure = await Assert.ThrowsAsync<ServiceStartException>(() => ServiceProcess.StartAsync(project, environment, host.Stack.LogDirectory));
        Assert.Contains(setting, failure.Output);
    }

    // Two glibc arenas instead of up to eight per core, and large blocks mapped on their own: without them native
    // memory grew through a soak and the peaks were higher; Notes with an 8 MB young generation peaked lower
    // (docs/performance.md, "Memory"). The AppHost sets the same.
    [Fact]
    public void Auth_Notes_and_the_gateway_run_with_glibc_arenas_capped_at_two_a_fixed_mmap_threshold_and_Notes_with_an_8_MB_gen0()
    {
        foreach (var service in ApiServices)
        {
            var environment = EnvironmentOf(service);
            Assert.Contains("MALLOC_ARENA_MAX=2", environment);
            Assert.Contains("MALLOC_MMAP_THRESHOLD_=65536", environment);
        }

        Assert.Contains("DOTNET_GCgen0size=0x800000", EnvironmentOf(host.Notes));
    }

    // Nothing in them uses Data Protection, so no key ring is read at start: the XML documents a key ring is parsed into
    // (System.Private.Xml.Linq) never load. ServiceDefaults' WithoutDataProtectionAtStart finds the hosted service
    // that would read it by its name; this fails if that name changes.
    [Fact]
    public void Auth_Notes_and_the_gateway_read_no_data_protection_key_ring()
    {
        foreach (var service in ApiServices)
        {
            Assert.DoesNotContain("System.Private.Xml.Linq.dll", MapsOf(service));
        }
    }

    // Without an OTLP endpoint the OpenTelemetry SDK is not registered, and outside Development there is no Scalar
    // page: the service defaults name them in methods of their own, so their assemblies are never even loaded.
    [Fact]
    public void Without_an_exporter_or_Development_no_service_loads_OpenTelemetry_or_Scalar()
    {
        foreach (var service in ApiServices)
        {
            var maps = MapsOf(service);
            Assert.DoesNotContain("/OpenTelemetry.dll", maps);
            Assert.DoesNotContain("/Scalar.AspNetCore.dll", maps);
        }
    }

    // Only the APIs register OpenAPI (AddApiDefaults): registered, it loads its assemblies and MVC's at start, which
    // the gateway, serving no document of its own, has no use for. Memo.Web leaves it out the same way.
    [Fact]
    public void The_gateway_loads_no_OpenAPI()
    {
        Assert.DoesNotContain("/Microsoft.AspNetCore.OpenApi.dll", MapsOf(host.Gateway));
    }

    [Fact]
    public async Task A_note_acknowledged_with_201_survives_SIGKILL_of_Postgres_and_at_most_one_request_per_service_fails_after()
    {
        var token = (await _client.NewUserAsync()).Tokens.AccessToken;
        var note = await _client.CreateNoteAsync(token, new NoteBody("durable", "acknowledged before the crash"));
        var calls = new Func<Task<HttpResponseMessage>>[]
        {
            () => _client.Notes(HttpMethod.Get, $"/notes/{note.Id}", token: token),
            () => _client.Auth(HttpMethod.Get, "/auth/me", token: token),
        };

        // Concurrent requests fill each service's pool with open connections...
        foreach (var response in await Task.WhenAll(Enumerable.Range(0, 32).Select(i => calls[i % 2]())))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        await host.Stack.Postgres.KillAsync();
        await host.Stack.Postgres.StartAsync();

        // ...which all died with the server. The first request to meet one answers 503 and drops the others.
        foreach (var call in calls)
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 6; i++)
            {
                using var response = await call();
                statuses.Add(response.StatusCode);
            }

            Assert.True(statuses.Count(s => s == HttpStatusCode.ServiceUnavailable) <= 1, string.Join(", ", statuses));
            Assert.Equal(HttpStatusCode.OK, statuses[^1]);
        }

        using var read = await _client.Notes(HttpMethod.Get, $"/notes/{note.Id}", token: token);
        Assert.Equal("acknowledged before the crash", (await read.Content.ReadFromJsonAsync<NoteDto>())!.Content);
    }

    [Fact]
    public async Task Two_Notes_instances_both_refuse_a_revoked_token_within_a_second()
    {
        await using var second = await host.Stack.StartNotesAsync(host.AuthServiceUrl);
        using var secondClient = new MemoClient(host.WithNotes(second.Url));
        var user = await _client.NewUserAsync();
        await secondClient.WaitForStatusAsync(() => secondClient.Notes(HttpMethod.Get, "/notes", token: user.Tokens.AccessToken), HttpStatusCode.OK, TimeSpan.FromSeconds(30));

        using (await _client.Auth(HttpMethod.Post, "/auth/logout", token: user.Tokens.AccessToken))
        {
        }

        var first = _client.WaitForStatusAsync(() => _client.Notes(HttpMethod.Get, "/notes", token: user.Tokens.AccessToken), HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1));
        var other = secondClient.WaitForStatusAsync(() => secondClient.Notes(HttpMethod.Get, "/notes", token: user.Tokens.AccessToken), HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1));
        await Task.WhenAll(first, other);
    }

    [Fact]
    public async Task A_Notes_instance_that_never_read_the_revocation_cache_is_not_ready_and_answers_503()
    {
        var user = await _client.NewUserAsync();
        await host.Stack.Redis.StopAsync();
        try
        {
            await using var blind = await host.Stack.StartNotesAsync(host.AuthServiceUrl);
            using var blindClient = new MemoClient(host.WithNotes(blind.Url));
            await blindClient.WaitForStatusAsync(() => blindClient.Notes(HttpMethod.Get, "/health"), HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
            await blindClient.WaitForStatusAsync(() => blindClient.Notes(HttpMethod.Get, "/notes", token: user.Tokens.AccessToken), HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
            using var anonymous = await blindClient.Notes(HttpMethod.Get, "/notes");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

            await host.Stack.Redis.StartAsync();
            await blindClient.WaitForStatusAsync(() => blindClient.Notes(HttpMethod.Get, "/notes", token: user.Tokens.AccessToken), HttpStatusCode.OK, TimeSpan.FromSeconds(30));
            await blindClient.WaitForStatusAsync(() => blindClient.Notes(HttpMethod.Get, "/health"), HttpStatusCode.OK, TimeSpan.FromSeconds(10));
        }
        finally
        {
            if (!await host.RedisAnswersAsync())
            {
                await host.Stack.Redis.StartAsync();
            }
        }
    }

    [Fact]
    public async Task A_rotated_signing_key_is_accepted_by_Notes_without_a_restart_and_old_tokens_keep_working()
    {
        var before = await _client.NewUserAsync();
        var oldKid = new JsonWebToken(before.Tokens.AccessToken).Kid;

        var (exitCode, output) = await ServiceProcess.RunCommandAsync(LocalStack.AuthProject, host.Stack.AuthEnvironment(), host.Stack.LogDirectory, ["rotate-signing-key"]);
        Assert.True(exitCode == 0, output);

        // The running Auth picks the new key up within its reload interval (1 s here).
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        Tokens fresh;
        do
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "Auth did not start signing with the new key.");
            await Task.Delay(200);
            fresh = await _client.LoginAsync(before.Email, before.Password);
        }
        while (new JsonWebToken(fresh.AccessToken).Kid == oldKid);

        using var newKey = await _client.Notes(HttpMethod.Get, "/notes", token: fresh.AccessToken);
        Assert.Equal(HttpStatusCode.OK, newKey.StatusCode);
        using var oldKey = await _client.Notes(HttpMethod.Get, "/notes", token: before.Tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, oldKey.StatusCode);

        using var jwks = await _client.Auth(HttpMethod.Get, "/.well-known/jwks.json");
        var kids = (await jwks.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ToList();
        Assert.Contains(oldKid, kids);
        Assert.Contains(new JsonWebToken(fresh.AccessToken).Kid, kids);
    }

    [Fact]
    public async Task Keys_and_sessions_survive_an_Auth_restart_and_Notes_keeps_verifying_while_Auth_is_down()
    {
        var user = await _client.NewUserAsync();
        await host.Auth.StopAsync();
        using (var whileDown = await _client.Notes(HttpMethod.Get, "/notes", token: user.Tokens.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, whileDown.StatusCode);
        }

        await host.RestartAuthAsync();
        using var me = await _client.Auth(HttpMethod.Get, "/auth/me", token: user.Tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var refreshed = await _client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = user.Tokens.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var tokens = (await refreshed.Content.ReadFromJsonAsync<Tokens>())!;
        Assert.Equal(new JsonWebToken(user.Tokens.AccessToken).Kid, new JsonWebToken(tokens.AccessToken).Kid);
    }

    [Fact]
    public async Task Two_Auth_instances_on_one_database_issue_tokens_that_verify_with_one_key_set()
    {
        await using var second = await host.Stack.StartAuthAsync(LocalMemoHost.FastAuthSettings);
        using var secondClient = new MemoClient(host.WithAuth(second.Url));
        var user = await _client.NewUserAsync();
        var fromSecond = await secondClient.LoginAsync(user.Email, user.Password);

        using var jwksFirst = await _client.Auth(HttpMethod.Get, "/.well-known/jwks.json");
        using var jwksSecond = await secondClient.Auth(HttpMethod.Get, "/.well-known/jwks.json");
        Assert.Equal(await jwksFirst.Content.ReadAsStringAsync(), await jwksSecond.Content.ReadAsStringAsync());
        var keys = new Microsoft.IdentityModel.Tokens.JsonWebKeySet(await jwksFirst.Content.ReadAsStringAsync()).GetSigningKeys();
        foreach (var token in new[] { user.Tokens.AccessToken, fromSecond.AccessToken })
        {
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new Microsoft.IdentityModel.Tokens.TokenValidationParameters
            {
                ValidIssuer = "memo-auth",
                ValidAudience = "memo-api",
                IssuerSigningKeys = keys,
            });
            Assert.True(result.IsValid, result.Exception?.Message);
            using var notes = await _client.Notes(HttpMethod.Get, "/notes", token: token);
            Assert.Equal(HttpStatusCode.OK, notes.StatusCode);
        }

        // A session made on one instance is refreshed and ended on the other.
        using var refreshed = await _client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = fromSecond.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task A_raised_password_cost_rehashes_at_the_next_login()
    {
        var user = await _client.NewUserAsync();
        Assert.Equal("600000", await StoredIterationsAsync(user.Id));
        await using var stronger = await host.Stack.StartAuthAsync(new Dictionary<string, string> { ["Passwords__Iterations"] = "700000" });
        using var client = new MemoClient(host.WithAuth(stronger.Url));
        await client.LoginAsync(user.Email, user.Password);
        Assert.Equal("700000", await StoredIterationsAsync(user.Id));
        await _client.LoginAsync(user.Email, user.Password); // the old cost still verifies a newer hash
    }

    public void Dispose() => _client.Dispose();

    // Every service the test host starts (it starts no Memo.Web).
    private ServiceProcess[] ApiServices => [host.Auth, host.Notes, host.Gateway];

    private static string[] EnvironmentOf(ServiceProcess service) => File.ReadAllText($"/proc/{service.ProcessId}/environ").Split('\0');

    private static string MapsOf(ServiceProcess service) => File.ReadAllText($"/proc/{service.ProcessId}/maps");

    private async Task<string> StoredIterationsAsync(Guid userId)
    {
        await using var connection = new NpgsqlConnection(await host.AuthDatabaseConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT password_hash FROM users WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", userId);
        return ((string)(await command.ExecuteScalarAsync())!).Split('$')[1];
    }
}
