using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using Memo.DevHost.Infrastructure;
using Memo.Tests.Hosting;
using Memo.Tests.Scenarios;

using Microsoft.AspNetCore.Http;

namespace Memo.Tests.Local;

/// <summary>
/// Memo.Gateway's edge policies, against real gateway processes: the fixture's, or one a test starts with its own settings
/// (low limits, a stand-in service). Each test that acts as distinct clients uses loopback addresses of its own
/// (127.0.N.x), because limits and Auth's login throttle count per address.
/// </summary>
public sealed class GatewayTests(LocalMemoHost host) : IClassFixture<LocalMemoHost>, IDisposable
{
    private readonly MemoClient _client = new(host);

    [Fact]
    public async Task Routes_auth_keys_and_notes_to_their_services_and_nothing_else()
    {
        var user = await _client.NewUserAsync();
        var token = user.Tokens.AccessToken;
        var note = await _client.CreateNoteAsync(token, new NoteBody("routed", "through the gateway"));
        Assert.Equal([note.Id], (await _client.ListAsync(token)).Items.Select(n => n.Id));
        foreach (var path in new[] { $"/notes/{note.Id}", "/auth/me", "/.well-known/jwks.json", "/.well-known/openid-configuration" })
        {
            using var response = await _client.Notes(HttpMethod.Get, path, token: token);
            Assert.True(response.StatusCode == HttpStatusCode.OK, path);
        }

        // Without Memo.Web nothing else is routed, the services' internals included.
        foreach (var path in new[] { "/", "/openapi/v1.json", "/scalar", "/notesx", "/authx" })
        {
            using var response = await _client.Notes(HttpMethod.Get, path, token: token);
            await AuthScenarios.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }

        foreach (var path in new[] { "/health", "/alive" })
        {
            using var response = await _client.Get(host.Gateway.Url, path); // the gateway's own
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_web_endpoint_takes_everything_the_other_routes_do_not()
    {
        await using var web = await RecordingUpstream.StartAsync(context => context.Response.WriteAsync("web page"));
        await using var gateway = await StartGatewayAsync(new() { ["services__web__http__0"] = web.Url.ToString().TrimEnd('/') });
        using var client = Through(gateway);

        foreach (var path in new[] { "/", "/some/page" })
        {
            using var response = await client.Notes(HttpMethod.Get, path);
            Assert.Equal("web page", await response.Content.ReadAsStringAsync());
        }

        using var notes = await client.Notes(HttpMethod.Get, "/notes");
        await AuthScenarios.AssertProblemAsync(notes, HttpStatusCode.Unauthorized);
        using var keys = await client.Notes(HttpMethod.Get, "/.well-known/jwks.json");
        Assert.True((await keys.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").GetArrayLength() > 0);
        Assert.Equal(["/", "/some/page"], web.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task The_general_limit_answers_429_problem_with_a_Retry_After_that_lets_the_next_request_through()
    {
        await using var gateway = await StartGatewayAsync(new() { ["Gateway__RateLimits__PerClientPermitsPerSecond"] = "5" });
        using var client = Through(gateway, "127.0.1.1");
        using var other = Through(gateway, "127.0.1.2");
        Func<MemoClient, Task<HttpResponseMessage>> fetchKeys = c => c.Auth(HttpMethod.Get, "/.well-known/jwks.json");

        var (accepted, refused) = await SendUntilRefusedAsync(() => fetchKeys(client));
        using (refused)
        {
            Assert.True(accepted >= 5, $"{accepted} accepted");
            await AuthScenarios.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            AssertSecurityHeaders(refused);
        }

        using (var otherClient = await fetchKeys(other))
        {
            Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        using var afterWaiting = await fetchKeys(client);
        Assert.Equal(HttpStatusCode.OK, afterWaiting.StatusCode);
    }

    [Fact]
    public async Task A_client_rotating_spoofed_forwarding_headers_is_still_throttled_and_another_client_is_not()
    {
        await using var gateway = await StartGatewayAsync(new() { ["Gateway__RateLimits__PerClientPermitsPerSecond"] = "5" });
        using var spoofer = Through(gateway, "127.0.1.3");
        using var other = Through(gateway, "127.0.1.4");
        var n = 0;

        var (accepted, refused) = await SendUntilRefusedAsync(() => spoofer.Auth(HttpMethod.Get, "/.well-known/jwks.json", configure: request =>
        {
            n++;
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{n}");
            request.Headers.Add("Forwarded", $"for=203.0.113.{n}");
            request.Headers.Add("X-Real-IP", $"203.0.113.{n}");
        }));
        refused.Dispose();
        Assert.InRange(accepted, 5, 20);

        using var notSpoofing = await other.Auth(HttpMethod.Get, "/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, notSpoofing.StatusCode);
    }

    [Fact]
    public async Task The_credential_endpoints_share_a_stricter_limit_of_their_own()
    {
        // 30 a minute: one token every 2 s, so Retry-After is 3 (2 s, plus the limiter's 100 ms refill timer, rounded up).
        await using var gateway = await StartGatewayAsync(new() { ["Gateway__RateLimits__CredentialPermitsPerMinute"] = "30" });
        using var client = Through(gateway, "127.0.1.5");
        using var other = Through(gateway, "127.0.1.6");
        Func<MemoClient, Task<HttpResponseMessage>> refresh = c => c.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = "not-a-token" });

        var (accepted, refused) = await SendUntilRefusedAsync(() => refresh(client));
        using (refused)
        {
            Assert.InRange(accepted, 30, 32);
            await AuthScenarios.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);
        }

        // Login and register count against the same bucket; other routes and other clients do not.
        using (var login = await client.Auth(HttpMethod.Post, "/auth/login", new { email = "a@example.com", password = "wrong password" }))
        {
            await AuthScenarios.AssertProblemAsync(login, HttpStatusCode.TooManyRequests);
        }

        using (var register = await client.Auth(HttpMethod.Post, "/auth/register", new { email = "not-an-email", password = "x" }))
        {
            await AuthScenarios.AssertProblemAsync(register, HttpStatusCode.TooManyRequests);
        }

        using (var keys = await client.Auth(HttpMethod.Get, "/.well-known/jwks.json"))
        {
            Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
        }

        using (var otherRefresh = await refresh(other))
        {
            await AuthScenarios.AssertProblemAsync(otherRefresh, HttpStatusCode.Unauthorized); // Auth's answer: the gateway let it through
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        using var afterWaiting = await refresh(client);
        await AuthScenarios.AssertProblemAsync(afterWaiting, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_client_s_own_forwarding_headers_never_reach_the_service()
    {
        await using var notes = await RecordingUpstream.StartAsync(_ => Task.CompletedTask);
        await using var gateway = await StartGatewayAsync([], notes: notes.Url);
        using var client = Through(gateway, "127.0.1.7");
        var spoofed = new Dictionary<string, string>
        {
            ["X-Forwarded-For"] = "203.0.113.9",
            ["X-Forwarded-Proto"] = "https",
            ["X-Forwarded-Host"] = "evil.example",
            ["X-Forwarded-Port"] = "443",
            ["X-Forwarded-Prefix"] = "/evil",
            ["X-Forwarded-Server"] = "evil.example",
            ["Forwarded"] = "for=203.0.113.9;proto=https;host=evil.example",
            ["X-Real-IP"] = "203.0.113.9",
            ["X-Original-For"] = "203.0.113.9",
        };

        using var response = await client.Notes(HttpMethod.Get, "/notes", configure: request =>
        {
            foreach (var (name, value) in spoofed)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var seen = notes.Requests.Single().Headers;
        Assert.Equal("127.0.1.7", seen["X-Forwarded-For"]);
        Assert.Equal("http", seen["X-Forwarded-Proto"]);
        Assert.Equal(gateway.Url.Authority, seen["X-Forwarded-Host"]);
        foreach (var name in new[] { "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Server", "Forwarded", "X-Real-IP", "X-Original-For" })
        {
            Assert.False(seen.ContainsKey(name), $"{name} reached the service");
        }
    }

    [Fact]
    public async Task Behind_the_gateway_Auth_throttles_each_real_client_and_ignores_anyone_else_s_X_Forwarded_For_even_with_ASPNETCORE_FORWARDEDHEADERS_ENABLED()
    {
        // Auth as the AppHost runs it (ASP.NET Core's forwarded-headers switch on), trusting only the gateway's address.
        await using var auth = await host.Stack.StartAuthAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
            ["ForwardedHeaders__TrustLoopback"] = "false",
            ["ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
            ["LoginThrottle__MaxFailuresPerAddress"] = "3",
            ["LoginThrottle__MaxFailuresPerAccount"] = "1000",
            ["LoginThrottle__Window"] = "00:05:00",
        });
        await using var gateway = await StartGatewayAsync(new(LocalMemoHost.RelaxedGatewaySettings), auth: auth.Url);
        using var first = Through(gateway, "127.0.2.1");
        using var second = Through(gateway, "127.0.2.2");
        using var direct = new MemoClient(host.WithAuth(auth.Url), IPAddress.Parse("127.0.2.3"));

        // Three failures through the gateway, each claiming another address: Auth counts them all against 127.0.2.1.
        for (var i = 0; i < 3; i++)
        {
            await FailLoginAsync(first, $"203.0.113.{i}", HttpStatusCode.Unauthorized);
        }

        await FailLoginAsync(first, "203.0.113.9", HttpStatusCode.TooManyRequests);

        // Another client behind the same gateway is another address to Auth.
        await FailLoginAsync(second, null, HttpStatusCode.Unauthorized);

        // A client reaching Auth from an address it does not trust cannot pass for 127.0.2.2: its X-Forwarded-For is ignored.
        for (var i = 0; i < 3; i++)
        {
            await FailLoginAsync(direct, "127.0.2.2", HttpStatusCode.Unauthorized);
        }

        await FailLoginAsync(direct, "127.0.2.2", HttpStatusCode.TooManyRequests);
        await FailLoginAsync(second, null, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Oversized_bodies_and_headers_and_a_service_that_does_not_answer_get_problem_details_at_the_edge()
    {
        var token = (await _client.NewUserAsync()).Tokens.AccessToken;
        var tooBig = Encoding.UTF8.GetBytes($$"""{"title":"t","content":"{{new string('x', 300 * 1024)}}"}""");
        foreach (var chunked in new[] { false, true }) // with a Content-Length, and without one
        {
            using var content = new ByteArrayContent(tooBig) { Headers = { ContentType = new("application/json") } };
            using var response = await _client.Notes(HttpMethod.Post, "/notes", content, token, r => r.Headers.TransferEncodingChunked = chunked);
            await AuthScenarios.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        }

        using (var bigHeaders = await _client.Notes(HttpMethod.Get, "/notes", token: token, configure: r => r.Headers.Add("X-Padding", new string('p', 20_000))))
        {
            await AuthScenarios.AssertProblemAsync(bigHeaders, HttpStatusCode.RequestHeaderFieldsTooLarge);
        }

        using (var underLimit = await _client.Notes(HttpMethod.Get, "/notes", token: token, configure: r => r.Headers.Add("X-Padding", new string('p', 10_000))))
        {
            Assert.Equal(HttpStatusCode.OK, underLimit.StatusCode);
        }

        await using var silent = await RecordingUpstream.StartAsync(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        await using var gateway = await StartGatewayAsync(new() { ["Gateway__Notes__Timeout"] = "00:00:01" }, notes: silent.Url);
        using var client = Through(gateway);
        var clock = Stopwatch.StartNew();
        using var timedOut = await client.Notes(HttpMethod.Get, "/notes", token: token);
        await AuthScenarios.AssertProblemAsync(timedOut, HttpStatusCode.GatewayTimeout);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(LocalStack.NotesProject)]
    [InlineData(LocalStack.AuthProject)]
    public async Task A_stopped_service_gets_a_quick_502_problem_and_the_gateway_recovers_when_it_returns(string project)
    {
        var token = (await _client.NewUserAsync()).Tokens.AccessToken;
        Func<Task<HttpResponseMessage>> call = project == LocalStack.NotesProject
            ? () => _client.Notes(HttpMethod.Get, "/notes", token: token)
            : () => _client.Auth(HttpMethod.Get, "/auth/me", token: token);
        await (project == LocalStack.NotesProject ? host.Notes : host.Auth).StopAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            using var down = await call();
            await AuthScenarios.AssertProblemAsync(down, HttpStatusCode.BadGateway);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
            AssertSecurityHeaders(down);
        }
        finally
        {
            await (project == LocalStack.NotesProject ? host.RestartNotesAsync() : host.RestartAuthAsync());
        }

        await _client.WaitForStatusAsync(call, HttpStatusCode.OK, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task The_public_keys_are_served_from_the_gateway_cache_while_Auth_is_down()
    {
        var paths = new[] { "/.well-known/jwks.json", "/.well-known/openid-configuration" };
        var bodies = new Dictionary<string, string>();
        foreach (var path in paths)
        {
            using var primed = await _client.Auth(HttpMethod.Get, path);
            bodies[path] = await primed.Content.ReadAsStringAsync();
        }

        await host.Auth.StopAsync();
        try
        {
            foreach (var path in paths)
            {
                using var cached = await _client.Auth(HttpMethod.Get, path);
                Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
                Assert.Equal(bodies[path], await cached.Content.ReadAsStringAsync());
                Assert.NotNull(cached.Headers.Age);
                Assert.True(cached.Headers.CacheControl?.Public);
            }

            using var notCached = await _client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = "x" });
            await AuthScenarios.AssertProblemAsync(notCached, HttpStatusCode.BadGateway);
        }
        finally
        {
            await host.RestartAuthAsync();
        }
    }

    [Fact]
    public async Task The_cached_discovery_document_names_the_key_set_on_the_host_each_client_asked_for()
    {
        foreach (var name in new[] { "memo.example.com", "notes.example.org", "memo.example.com" })
        {
            using var response = await _client.Auth(HttpMethod.Get, "/.well-known/openid-configuration", configure: r => r.Headers.Host = name);
            var document = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal($"http://{name}/.well-known/jwks.json", document.GetProperty("jwks_uri").GetString());
        }
    }

    [Fact]
    public async Task A_burst_of_key_fetches_reaches_the_service_once_per_max_age()
    {
        await using var auth = await RecordingUpstream.StartAsync(async context =>
        {
            await Task.Delay(200); // slow enough that the burst arrives while the first fetch is in flight
            context.Response.Headers.CacheControl = "public, max-age=2";
            await context.Response.WriteAsJsonAsync(new { keys = Array.Empty<object>() });
        });
        await using var gateway = await StartGatewayAsync([], auth: auth.Url);
        using var client = Through(gateway);

        var burst = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.Auth(HttpMethod.Get, "/.well-known/jwks.json")));
        Assert.All(burst, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Array.ForEach(burst, r => r.Dispose());
        Assert.Single(auth.Requests);

        using (await client.Auth(HttpMethod.Get, "/.well-known/jwks.json"))
        {
            Assert.Single(auth.Requests);
        }

        await Task.Delay(TimeSpan.FromSeconds(2.5)); // past max-age: the next fetch goes to the service again
        using (await client.Auth(HttpMethod.Get, "/.well-known/jwks.json"))
        {
            Assert.Equal(2, auth.Requests.Count);
        }
    }

    [Fact]
    public async Task Only_public_200_answers_are_cached_and_no_request_header_bypasses_the_cache()
    {
        var cacheControl = new Dictionary<string, (int Status, string CacheControl, bool Cookie)>
        {
            ["/.well-known/public"] = (200, "public, max-age=60", false),
            ["/.well-known/private"] = (200, "private, max-age=60", false),
            ["/.well-known/no-max-age"] = (200, "public", false),
            ["/.well-known/failing"] = (500, "public, max-age=60", false),
            ["/.well-known/cookie"] = (200, "public, max-age=60", true),
        };
        await using var auth = await RecordingUpstream.StartAsync(context =>
        {
            var (status, value, cookie) = cacheControl[context.Request.Path];
            context.Response.StatusCode = status;
            context.Response.Headers.CacheControl = value;
            if (cookie)
            {
                context.Response.Headers.SetCookie = "session=1";
            }

            return context.Response.WriteAsync("{}");
        });
        await using var gateway = await StartGatewayAsync([], auth: auth.Url);
        using var client = Through(gateway);

        foreach (var path in cacheControl.Keys)
        {
            for (var i = 0; i < 2; i++)
            {
                using (await client.Auth(HttpMethod.Get, path))
                {
                }
            }

            Assert.True(auth.RequestsTo(path).Count() == (path == "/.well-known/public" ? 1 : 2), path);
        }

        foreach (var bypass in new Action<HttpRequestMessage>[]
        {
            r => r.Headers.CacheControl = new() { NoCache = true, NoStore = true },
            r => r.Headers.Pragma.ParseAdd("no-cache"),
            r => r.Headers.Authorization = new("Bearer", "anything"),
            r => r.RequestUri = new Uri(r.RequestUri!, "?fresh=1"),
        })
        {
            using var response = await client.Auth(HttpMethod.Get, "/.well-known/public", configure: bypass);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Single(auth.RequestsTo("/.well-known/public"));
    }

    [Fact]
    public async Task A_gateway_restart_loses_no_session_and_no_note()
    {
        var user = await _client.NewUserAsync();
        var note = await _client.CreateNoteAsync(user.Tokens.AccessToken, new NoteBody("kept", "across a gateway restart"));
        await host.RestartGatewayAsync();

        using (var got = await _client.Notes(HttpMethod.Get, $"/notes/{note.Id}", token: user.Tokens.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        }

        using var refreshed = await _client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = user.Tokens.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var tokens = (await refreshed.Content.ReadFromJsonAsync<Tokens>())!;
        Assert.Equal([note.Id], (await _client.ListAsync(tokens.AccessToken)).Items.Select(n => n.Id));
    }

    [Fact]
    public async Task One_request_through_the_gateway_is_one_trace()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var traceparent = $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01";

        // Notes' own 401 and the gateway's own 404 both belong to the trace the client started.
        foreach (var path in new[] { "/notes", "/nowhere" })
        {
            using var response = await _client.Notes(HttpMethod.Get, path, configure: r => r.Headers.Add("traceparent", traceparent));
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.StartsWith($"00-{traceId}-", problem.GetProperty("traceId").GetString());
        }
    }

    [Fact]
    public async Task Every_response_carries_nosniff_and_a_referrer_policy_and_HSTS_comes_only_over_HTTPS_outside_Development()
    {
        var token = (await _client.NewUserAsync()).Tokens.AccessToken;
        foreach (var (path, status) in new[] { ("/notes", HttpStatusCode.OK), ("/.well-known/jwks.json", HttpStatusCode.OK), ("/nowhere", HttpStatusCode.NotFound) })
        {
            using var response = await _client.Notes(HttpMethod.Get, path, token: token);
            Assert.Equal(status, response.StatusCode);
            AssertSecurityHeaders(response);
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS over plain HTTP");
        }

        using (var unauthorized = await _client.Notes(HttpMethod.Get, "/notes"))
        {
            AssertSecurityHeaders(unauthorized);
        }

        // Behind a TLS-terminating load balancer at 127.0.3.1, trusted by configuration: its X-Forwarded-Proto counts.
        var behindBalancer = new Dictionary<string, string> { ["ForwardedHeaders__KnownProxies__0"] = "127.0.3.1" };
        await using var production = await StartGatewayAsync(behindBalancer);
        await using var development = await StartGatewayAsync(new(behindBalancer) { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        foreach (var (gateway, from, hsts) in new[] { (production, "127.0.3.1", true), (production, "127.0.3.2", false), (development, "127.0.3.1", false) })
        {
            using var client = Through(gateway, from);
            using var response = await client.Auth(HttpMethod.Get, "/.well-known/jwks.json", configure: r =>
            {
                r.Headers.Host = "memo.example.com";
                r.Headers.Add("X-Forwarded-For", "198.51.100.7");
                r.Headers.Add("X-Forwarded-Proto", "https");
            });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(hsts == response.Headers.Contains("Strict-Transport-Security"), $"HSTS from {from}");
        }
    }

    [Theory]
    [InlineData("Gateway__RateLimits__PerClientPermitsPerSecond", "0", "PerClientPermitsPerSecond")]
    [InlineData("Gateway__RateLimits__CredentialPermitsPerMinute", "-1", "CredentialPermitsPerMinute")]
    [InlineData("Gateway__Notes__Timeout", "00:00:00", "Notes:Timeout")]
    [InlineData("Gateway__Auth__MaxRequestBodySize", "0", "Auth:MaxRequestBodySize")]
    [InlineData("Gateway__MaxRequestHeadersTotalSize", "10", "MaxRequestHeadersTotalSize")]
    [InlineData("ForwardedHeaders__KnownNetworks__0", "10.0.0.0/99", "10.0.0.0/99")]
    public async Task An_invalid_policy_setting_stops_the_gateway_at_start_naming_it(string setting, string value, string named)
    {
        var failure = await Assert.ThrowsAsync<ServiceStartException>(() => StartGatewayAsync(new() { [setting] = value }));
        Assert.Contains(named, failure.Output);
    }

    public void Dispose() => _client.Dispose();

    private MemoClient Through(ServiceProcess gateway, string? from = null) =>
        new(host.WithGateway(gateway.Url), from is null ? null : IPAddress.Parse(from));

    private Task<ServiceProcess> StartGatewayAsync(Dictionary<string, string> settings, Uri? auth = null, Uri? notes = null) =>
        host.Stack.StartGatewayAsync(auth ?? host.AuthServiceUrl, notes ?? host.NotesServiceUrl, settings);

    private static async Task<(int Accepted, HttpResponseMessage Refused)> SendUntilRefusedAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var accepted = 0; accepted < 200; accepted++)
        {
            var response = await send();
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return (accepted, response);
            }

            response.Dispose();
        }

        throw new Xunit.Sdk.XunitException("No 429 within 200 requests.");
    }

    private static async Task FailLoginAsync(MemoClient client, string? claimedAddress, HttpStatusCode expected)
    {
        using var response = await client.Auth(HttpMethod.Post, "/auth/login", new { email = $"nobody-{Guid.NewGuid():N}@example.com", password = "wrong password" },
            configure: r =>
            {
                if (claimedAddress is not null)
                {
                    r.Headers.Add("X-Forwarded-For", claimedAddress);
                }
            });
        Assert.Equal(expected, response.StatusCode);
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }
}
