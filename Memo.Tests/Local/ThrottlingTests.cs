using System.Diagnostics;
using System.Net;

using Memo.DevHost.Infrastructure;
using Memo.Tests.Hosting;
using Memo.Tests.Scenarios;

namespace Memo.Tests.Local;

/// <summary>
/// Login throttling through HTTP, each test with Auth instances of its own (short waits), sharing the fixture's Redis.
/// Clients connect from distinct loopback addresses to act as the owner, attackers and strangers.
/// </summary>
public sealed class ThrottlingTests(LocalMemoHost host) : IClassFixture<LocalMemoHost>
{
    private const string WrongPassword = "wrong password";

    [Fact]
    public async Task The_owners_known_device_signs_in_while_an_attacker_hammers_the_account_from_other_addresses()
    {
        await using var replicas = await StartTwoAsync(Settings(freeFailures: 3, baseWait: "00:01:00"));
        var (first, second) = (replicas.First, replicas.Second);
        using var owner = new MemoClient(host.WithAuth(first.Url));
        var user = await owner.NewUserAsync();
        var device = user.Tokens.DeviceToken;
        Assert.False(string.IsNullOrEmpty(device));

        // Four attackers on both instances: the account's free failures and one more are all they get.
        using var crowd = NewCrowd(2, 4, first.Url, second.Url);
        var attackers = crowd.Clients;
        var statuses = new List<HttpStatusCode>();
        foreach (var attacker in attackers.Concat(attackers))
        {
            statuses.Add(await LoginStatusAsync(attacker, user.Email, WrongPassword));
        }

        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.All(statuses.Skip(4), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));

        // The owner's device signs in on either instance while the attack goes on, each time with the newest token.
        var attack = Task.WhenAll(attackers.Select(a => LoginStatusAsync(a, user.Email, WrongPassword)));
        using var ownerOnSecond = new MemoClient(host.WithAuth(second.Url));
        var signedIn = await ownerOnSecond.LoginAsync(user.Email, user.Password, device);
        signedIn = await owner.LoginAsync(user.Email, user.Password, signedIn.DeviceToken);
        Assert.All(await attack, s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        using (var notes = await owner.Notes(HttpMethod.Get, "/notes", token: signedIn.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, notes.StatusCode);
        }

        // The owner's success did not reset the account for the attacker, and earlier device tokens stay valid.
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginStatusAsync(attackers[0], user.Email, WrongPassword));
        await owner.LoginAsync(user.Email, user.Password, device);

        // Anyone without this account's device token is throttled with the account, the right password or not.
        var other = await owner.NewUserAsync();
        using var stranger = new MemoClient(host.WithAuth(first.Url), IPAddress.Parse("127.0.0.9"));
        foreach (var token in new[] { null, "not-a-device-token", other.Tokens.DeviceToken, Tampered(device!) })
        {
            using var refused = await stranger.Auth(HttpMethod.Post, "/auth/login", new { email = user.Email, password = user.Password, device_token = token });
            await AuthScenarios.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task A_known_device_is_throttled_on_its_own_failures()
    {
        await using var auth = await host.Stack.StartAuthAsync(Settings(freeFailures: 2, baseWait: "00:01:00"));
        using var client = new MemoClient(host.WithAuth(auth.Url));
        var user = await client.NewUserAsync();
        var device = user.Tokens.DeviceToken;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add(await LoginStatusAsync(client, user.Email, WrongPassword, device));
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginStatusAsync(client, user.Email, user.Password, device));

        // The device's failures were its own: the account, and another device of it, are not slowed.
        await client.LoginAsync(user.Email, user.Password);
    }

    [Fact]
    public async Task Waits_grow_with_each_further_failure_and_a_success_resets_them()
    {
        await using var auth = await host.Stack.StartAuthAsync(Settings(freeFailures: 1, baseWait: "00:00:02", maxWait: "00:00:08"));
        using var client = new MemoClient(host.WithAuth(auth.Url));
        var user = await client.NewUserAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync(client, user.Email, WrongPassword)); // free
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync(client, user.Email, WrongPassword)); // then 2 s
        var firstWait = await RefusedForAsync(client, user);
        Assert.InRange(firstWait, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        // Retry-After is truthful: once it has passed, the password is checked again.
        await Task.Delay(firstWait);
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync(client, user.Email, WrongPassword)); // then 4 s
        var secondWait = await RefusedForAsync(client, user);
        Assert.InRange(secondWait, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4));
        Assert.True(secondWait > firstWait);

        await Task.Delay(secondWait);
        await client.LoginAsync(user.Email, user.Password);

        // The success forgot the failures: the next one is free again.
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync(client, user.Email, WrongPassword));
        await client.LoginAsync(user.Email, user.Password);
    }

    [Fact]
    public async Task Concurrent_guesses_on_two_instances_get_no_more_tries_than_sequential_ones()
    {
        await using var replicas = await StartTwoAsync(Settings(freeFailures: 3, baseWait: "00:01:00"));
        var (first, second) = (replicas.First, replicas.Second);
        using var owner = new MemoClient(host.WithAuth(first.Url));
        var user = await owner.NewUserAsync();
        using var attackers = NewCrowd(10, 16, first.Url, second.Url);

        var statuses = await Task.WhenAll(attackers.Clients.Select(a => LoginStatusAsync(a, user.Email, WrongPassword)));

        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(12, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Failed_logins_are_throttled_per_client_address_across_accounts()
    {
        var settings = Settings(freeFailures: 3, baseWait: "00:01:00");
        settings["LoginThrottle__MaxFailuresPerAddress"] = "4";
        settings["LoginThrottle__AddressWindow"] = "00:00:05";
        await using var strict = await host.Stack.StartAuthAsync(settings);
        using var client = new MemoClient(host.WithAuth(strict.Url), IPAddress.Parse("127.0.0.30"));
        using var elsewhere = new MemoClient(host.WithAuth(strict.Url), IPAddress.Parse("127.0.0.31"));
        var user = await client.NewUserAsync();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync(client, $"spray-{Guid.NewGuid():N}@example.com", WrongPassword));
        }

        using var blocked = await client.Auth(HttpMethod.Post, "/auth/login", new { email = user.Email, password = user.Password });
        await AuthScenarios.AssertProblemAsync(blocked, HttpStatusCode.TooManyRequests);
        Assert.InRange(blocked.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        await elsewhere.LoginAsync(user.Email, user.Password); // another address is not affected

        await Task.Delay(blocked.Headers.RetryAfter.Delta.Value);
        await client.LoginAsync(user.Email, user.Password);
    }

    [Fact]
    public async Task A_refused_guess_is_answered_without_the_database()
    {
        await using var auth = await host.Stack.StartAuthAsync(Settings(freeFailures: 0, baseWait: "00:01:00"));
        using var client = new MemoClient(host.WithAuth(auth.Url), IPAddress.Parse("127.0.0.40"));
        var user = await client.NewUserAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync(client, user.Email, WrongPassword));

        // The throttle (in Redis) refuses before the account is read: with PostgreSQL down the answer is still 429, not 500.
        await host.Stack.Postgres.StopAsync();
        try
        {
            using var refused = await client.Auth(HttpMethod.Post, "/auth/login", new { email = user.Email, password = user.Password });
            await AuthScenarios.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
        }
        finally
        {
            await host.Stack.Postgres.StartAsync();
        }

        // The fixture's services, which the other tests share, are back before this test ends.
        await client.WaitForStatusAsync(() => client.Notes(HttpMethod.Get, "/notes", token: user.Tokens.AccessToken), HttpStatusCode.OK, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task During_a_Redis_outage_logins_and_logouts_answer_fast_and_failures_are_still_throttled()
    {
        await using var replicas = await StartTwoAsync(Settings(freeFailures: 2, baseWait: "00:01:00"));
        var (first, second) = (replicas.First, replicas.Second);
        using var client = new MemoClient(host.WithAuth(first.Url));
        var user = await client.NewUserAsync();
        var victim = await client.NewUserAsync();

        await host.Stack.Redis.StopAsync();
        try
        {
            var session = await FastAsync(() => client.LoginAsync(user.Email, user.Password));
            using (var logout = await FastAsync(() => client.Auth(HttpMethod.Post, "/auth/logout", token: session.AccessToken)))
            {
                Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
            }

            // This instance counts in its own memory: the free failures, one more, then 429.
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, await FastAsync(() => LoginStatusAsync(client, victim.Email, WrongPassword)));
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, await FastAsync(() => LoginStatusAsync(client, victim.Email, victim.Password)));
        }
        finally
        {
            await host.Stack.Redis.StartAsync(); // empty
        }

        // Redis is back (empty): everything works, and within seconds both instances count there again, so failures
        // on one slow the account on the other.
        var again = await client.LoginAsync(user.Email, user.Password);
        using (var refreshed = await client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = again.RefreshToken }))
        {
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        }

        using var onSecond = new MemoClient(host.WithAuth(second.Url));
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var other = await client.NewUserAsync();
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync(client, other.Email, WrongPassword));
            }

            if (await LoginStatusAsync(onSecond, other.Email, other.Password) == HttpStatusCode.TooManyRequests)
            {
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "The instances did not share their counters again after Redis returned.");
        }
    }

    /// <summary>Two Auth instances with the same settings, sharing the fixture's database and Redis.</summary>
    private async Task<Replicas> StartTwoAsync(Dictionary<string, string> settings)
    {
        var first = await host.Stack.StartAuthAsync(settings);
        try
        {
            return new Replicas(first, await host.Stack.StartAuthAsync(settings));
        }
        catch
        {
            await first.DisposeAsync();
            throw;
        }
    }

    /// <summary>Clients from consecutive loopback addresses (127.0.0.<paramref name="firstAddress"/> on), taking turns at the instances.</summary>
    private Crowd NewCrowd(int firstAddress, int count, params Uri[] instances) => new([.. Enumerable.Range(firstAddress, count)
        .Select(i => new MemoClient(host.WithAuth(instances[i % instances.Length]), IPAddress.Parse($"127.0.0.{i}")))]);

    /// <summary>Short waits; ResetAfter only has to outlast the longest wait.</summary>
    private static Dictionary<string, string> Settings(int freeFailures, string baseWait, string maxWait = "00:15:00") => new(LocalMemoHost.FastAuthSettings)
    {
        ["LoginThrottle__FreeFailures"] = freeFailures.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["LoginThrottle__BaseWait"] = baseWait,
        ["LoginThrottle__MaxWait"] = maxWait,
        ["LoginThrottle__ResetAfter"] = "00:15:00",
    };

    private static async Task<HttpStatusCode> LoginStatusAsync(MemoClient client, string email, string password, string? deviceToken = null)
    {
        using var response = await client.Auth(HttpMethod.Post, "/auth/login", new { email, password, device_token = deviceToken });
        return response.StatusCode;
    }

    /// <summary>The right password is refused with 429: returns its Retry-After.</summary>
    private static async Task<TimeSpan> RefusedForAsync(MemoClient client, TestUser user)
    {
        using var refused = await client.Auth(HttpMethod.Post, "/auth/login", new { email = user.Email, password = user.Password });
        await AuthScenarios.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
        return refused.Headers.RetryAfter!.Delta!.Value;
    }

    /// <summary>A generous functional bound: one password hash and a few queries, not seconds spent waiting on Redis.</summary>
    private static async Task<T> FastAsync<T>(Func<Task<T>> call)
    {
        var clock = Stopwatch.StartNew();
        var result = await call();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"Took {clock.Elapsed} during the Redis outage.");
        return result;
    }

    private static string Tampered(string deviceToken) => deviceToken[..30] + (deviceToken[30] == 'A' ? 'B' : 'A') + deviceToken[31..];

    private sealed class Crowd(IReadOnlyList<MemoClient> clients) : IDisposable
    {
        public IReadOnlyList<MemoClient> Clients => clients;

        public void Dispose()
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private sealed record Replicas(ServiceProcess First, ServiceProcess Second) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await First.DisposeAsync();
            await Second.DisposeAsync();
        }
    }
}
