using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Memo.ServiceDefaults.Events;
using Memo.Tests.Hosting;
using Memo.Tests.Scenarios;

using Microsoft.IdentityModel.JsonWebTokens;

namespace Memo.Tests.Local;

/// <summary>Password change, export and account deletion through HTTP, with two Notes instances where sessions end.</summary>
public sealed class AccountTests(LocalMemoHost host) : IClassFixture<LocalMemoHost>, IDisposable
{
    private const string NewPassword = "a brand new password";
    private readonly MemoClient _client = new(host);

    [Fact]
    public async Task A_password_change_ends_every_other_session_at_both_Notes_instances_and_the_caller_goes_on()
    {
        await using var second = await host.Stack.StartNotesAsync(host.AuthUrl, LocalMemoHost.FastNotesSettings);
        using var secondClient = new MemoClient(host.WithNotes(second.Url));
        var user = await _client.NewUserAsync();
        var phone = await _client.LoginAsync(user.Email, user.Password);
        var laptop = await _client.LoginAsync(user.Email, user.Password);
        await secondClient.WaitForStatusAsync(() => secondClient.Notes(HttpMethod.Get, "/notes", token: phone.AccessToken), HttpStatusCode.OK, TimeSpan.FromSeconds(30));

        using (var changed = await ChangePasswordAsync(user.Tokens.AccessToken, user.Password, NewPassword))
        {
            Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        }

        await AccountSteps.AssertSessionsEndedAsync([_client, secondClient], phone, laptop);

        // The caller's session goes on, at both instances and through a refresh.
        foreach (var client in new[] { _client, secondClient })
        {
            using var notes = await client.Notes(HttpMethod.Get, "/notes", token: user.Tokens.AccessToken);
            Assert.Equal(HttpStatusCode.OK, notes.StatusCode);
        }

        using (var refreshed = await _client.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = user.Tokens.RefreshToken }))
        {
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        }

        await _client.LoginAsync(user.Email, NewPassword);
        using var old = await _client.Auth(HttpMethod.Post, "/auth/login", new { email = user.Email, password = user.Password });
        await AuthScenarios.AssertProblemAsync(old, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_wrong_current_password_is_401_and_counts_as_a_failed_login()
    {
        await using var auth = await host.Stack.StartAuthAsync(new Dictionary<string, string>(LocalMemoHost.FastAuthSettings)
        {
            ["LoginThrottle__FreeFailures"] = "1",
            ["LoginThrottle__BaseWait"] = "00:01:00",
        });
        using var client = new MemoClient(host.WithAuth(auth.Url));
        var user = await client.NewUserAsync();
        for (var i = 0; i < 2; i++)
        {
            using var wrong = await client.Auth(HttpMethod.Post, "/auth/password",
                new { currentPassword = "not the password", newPassword = NewPassword }, user.Tokens.AccessToken);
            await AuthScenarios.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized);
        }

        // The free failure and one more: the account now waits, at login and here alike, the right password or not.
        using var login = await client.Auth(HttpMethod.Post, "/auth/login", new { email = user.Email, password = user.Password });
        await AuthScenarios.AssertProblemAsync(login, HttpStatusCode.TooManyRequests);
        using var change = await client.Auth(HttpMethod.Post, "/auth/password",
            new { currentPassword = user.Password, newPassword = NewPassword }, user.Tokens.AccessToken);
        await AuthScenarios.AssertProblemAsync(change, HttpStatusCode.TooManyRequests);
        Assert.InRange(change.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        using var delete = await client.Auth(HttpMethod.Delete, "/auth/me", new { password = user.Password }, user.Tokens.AccessToken);
        await AuthScenarios.AssertProblemAsync(delete, HttpStatusCode.TooManyRequests);

        // Nothing changed: the session works and the password is the old one (checked by the fixture's Auth, which
        // shares the counters in Redis, so from a device that signed in before).
        using var me = await client.Auth(HttpMethod.Get, "/auth/me", token: user.Tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        await _client.LoginAsync(user.Email, user.Password, user.Tokens.DeviceToken);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(129)]
    public async Task A_new_password_against_the_registration_rules_is_400_and_changes_nothing(int length)
    {
        var user = await _client.NewUserAsync();
        using var response = await ChangePasswordAsync(user.Tokens.AccessToken, user.Password, new string('p', length));
        var problem = await AuthScenarios.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("NewPassword", out _));
        await _client.LoginAsync(user.Email, user.Password);
    }

    [Fact]
    public async Task The_account_endpoints_need_a_token()
    {
        using var change = await _client.Auth(HttpMethod.Post, "/auth/password", new { currentPassword = "whatever it is", newPassword = NewPassword });
        await AuthScenarios.AssertProblemAsync(change, HttpStatusCode.Unauthorized);
        using var delete = await _client.Auth(HttpMethod.Delete, "/auth/me", new { password = "whatever it is" });
        await AuthScenarios.AssertProblemAsync(delete, HttpStatusCode.Unauthorized);
        using var export = await _client.Notes(HttpMethod.Get, "/notes/export");
        await AuthScenarios.AssertProblemAsync(export, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Export_returns_each_of_2000_notes_once_as_one_JSON_document_to_download()
    {
        var owner = await _client.NewOwnerAsync(2000);
        await _client.NewOwnerAsync(3); // another user's notes stay out

        using var response = await _client.Notes(HttpMethod.Get, "/notes/export", token: owner.User.Tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("memo-notes.json", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        var exported = JsonSerializer.Deserialize<NoteDto[]>(await response.Content.ReadAsStringAsync(), JsonSerializerOptions.Web)!;
        Assert.Equal(2000, exported.Length);
        Assert.Equal(owner.Notes.Select(n => n.Id).Order(), exported.Select(n => n.Id).Order());
        var written = owner.Notes.ToDictionary(n => n.Id);
        Assert.All(exported, note => Assert.Equal((written[note.Id].Title, written[note.Id].Content, "mine"), (note.Title, note.Content, note.Tags.Single())));
        Assert.Equal(exported.OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).Select(n => n.Id), exported.Select(n => n.Id)); // oldest first
    }

    [Fact]
    public async Task Export_of_an_account_without_notes_is_an_empty_array()
    {
        var user = await _client.NewUserAsync();
        using var response = await _client.Notes(HttpMethod.Get, "/notes/export", token: user.Tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[]", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Deleting_with_a_wrong_password_is_401_and_keeps_the_account()
    {
        var owner = await _client.NewOwnerAsync(3);
        using var response = await _client.Auth(HttpMethod.Delete, "/auth/me", new { password = "not the password" }, owner.User.Tokens.AccessToken);
        await AuthScenarios.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        using var missing = await _client.Auth(HttpMethod.Delete, "/auth/me", token: owner.User.Tokens.AccessToken);
        await AuthScenarios.AssertProblemAsync(missing, HttpStatusCode.BadRequest);

        using var me = await _client.Auth(HttpMethod.Get, "/auth/me", token: owner.User.Tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        await _client.AssertNotesIntactAsync(owner);
        await _client.LoginAsync(owner.User.Email, owner.User.Password);
    }

    [Fact]
    public async Task Deleting_accounts_ends_their_sessions_frees_their_emails_and_two_Notes_instances_delete_their_notes_only()
    {
        await using var second = await host.Stack.StartNotesAsync(host.AuthUrl, LocalMemoHost.FastNotesSettings);
        using var secondClient = new MemoClient(host.WithNotes(second.Url));
        var keeper = await _client.NewOwnerAsync(5);
        var leaving = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _client.NewOwnerAsync(10)));
        var otherSessions = await Task.WhenAll(leaving.Select(o => _client.LoginAsync(o.User.Email, o.User.Password)));
        await secondClient.WaitForStatusAsync(() => secondClient.Notes(HttpMethod.Get, "/notes", token: keeper.User.Tokens.AccessToken), HttpStatusCode.OK, TimeSpan.FromSeconds(30));

        await Task.WhenAll(leaving.Select(o => _client.DeleteAccountAsync(o.User)));

        for (var i = 0; i < leaving.Length; i++)
        {
            var user = leaving[i].User;
            await AccountSteps.AssertSessionsEndedAsync([_client, secondClient], user.Tokens, otherSessions[i]);
            using var me = await _client.Auth(HttpMethod.Get, "/auth/me", token: user.Tokens.AccessToken);
            await AuthScenarios.AssertProblemAsync(me, HttpStatusCode.Unauthorized);
            using var login = await _client.Auth(HttpMethod.Post, "/auth/login", new { email = user.Email, password = user.Password });
            await AuthScenarios.AssertProblemAsync(login, HttpStatusCode.Unauthorized);

            // The email is free at once: a new account, with nothing of the old one.
            using var again = await _client.Auth(HttpMethod.Post, "/auth/register", new { email = user.Email, password = NewPassword });
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
            Assert.NotEqual(user.Id, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
            var fresh = await _client.LoginAsync(user.Email, NewPassword);
            Assert.Empty((await _client.ListAsync(fresh.AccessToken)).Items);
        }

        foreach (var owner in leaving)
        {
            await host.AssertNotesGoneAsync(owner.User.Id);
        }

        await _client.AssertNotesIntactAsync(keeper);
        await using var redis = await host.ConnectRedisAsync();
        await AccountSteps.AssertAllAcknowledgedAsync(redis.GetDatabase());

        // Both instances joined the group, each under a name of its own.
        var consumers = await redis.GetDatabase().StreamConsumerInfoAsync(EventStream.Key, "notes");
        Assert.True(consumers.Length >= 2, $"{consumers.Length} consumer(s) in the group");
        Assert.Equal(consumers.Length, consumers.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public async Task Sessions_and_events_past_their_retention_are_deleted_and_the_rest_kept()
    {
        var user = await _client.NewUserAsync();
        var expired = await _client.LoginAsync(user.Email, user.Password);
        var justExpired = await _client.LoginAsync(user.Email, user.Password);
        var revokedLongAgo = await _client.LoginAsync(user.Email, user.Password);
        var revokedNow = await _client.LoginAsync(user.Email, user.Password);
        foreach (var tokens in new[] { revokedLongAgo, revokedNow })
        {
            using var logout = await _client.Auth(HttpMethod.Post, "/auth/logout", token: tokens.AccessToken);
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var longGone = await _client.NewOwnerAsync(1);
        var justGone = await _client.NewOwnerAsync(1);
        await _client.DeleteAccountAsync(longGone.User);
        await _client.DeleteAccountAsync(justGone.User);
        await Eventually.TrueAsync(async () => (await host.OutboxSentAtAsync(longGone.User.Id)).SingleOrDefault() is not null, TimeSpan.FromSeconds(5));

        // Time passes for some of them: a session past its expiry and its last access token's (15 min), another just
        // past its expiry (an access token of it may live on), a revocation past the last access token it revoked, an
        // event sent longer ago than the outbox retention (7 days).
        await host.AuthDatabaseAsync("UPDATE sessions SET expires_at = now() - interval '16 minutes' WHERE id = @id", ("id", SessionOf(expired)));
        await host.AuthDatabaseAsync("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = @id", ("id", SessionOf(justExpired)));
        await host.AuthDatabaseAsync("UPDATE sessions SET revocation_expires_at = now() - interval '1 second' WHERE id = @id", ("id", SessionOf(revokedLongAgo)));
        await host.AuthDatabaseAsync("UPDATE outbox SET sent_at = now() - interval '8 days' WHERE user_id = @id", ("id", longGone.User.Id));

        // The session cleanup runs when an Auth instance starts, then every 10 minutes; the relay every second.
        await using var auth = await host.Stack.StartAuthAsync(LocalMemoHost.FastAuthSettings);
        await Eventually.TrueAsync(async () => await SessionRowsAsync(expired, revokedLongAgo) == 0, TimeSpan.FromSeconds(10), "Expired sessions stayed");
        Assert.Equal(0L, await host.AuthDatabaseAsync(
            "SELECT count(*) FROM refresh_tokens WHERE session_id = ANY(@ids)", ("ids", new[] { SessionOf(expired), SessionOf(revokedLongAgo) })));
        await Eventually.TrueAsync(async () => (await host.OutboxSentAtAsync(longGone.User.Id)).Count == 0, TimeSpan.FromSeconds(10), "The old event stayed");

        Assert.Equal(3, await SessionRowsAsync(user.Tokens, revokedNow, justExpired));
        Assert.Single(await host.OutboxSentAtAsync(justGone.User.Id));
        using var stillRefused = await _client.Notes(HttpMethod.Get, "/notes", token: revokedNow.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, stillRefused.StatusCode);
        using var stillWorks = await _client.Notes(HttpMethod.Get, "/notes", token: user.Tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
    }

    [Fact]
    public async Task OpenApi_documents_the_account_endpoints()
    {
        using var auth = await _client.Get(host.AuthServiceUrl, "/openapi/v1.json");
        var paths = (await auth.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paths");
        foreach (var (path, method) in new[] { ("/auth/password", "post"), ("/auth/me", "delete") })
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()), path);
            Assert.True(operation.GetProperty("responses").TryGetProperty("429", out _), path);
        }

        using var notes = await _client.Get(host.NotesServiceUrl, "/openapi/v1.json");
        var export = (await notes.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paths").GetProperty("/notes/export").GetProperty("get");
        Assert.False(string.IsNullOrEmpty(export.GetProperty("summary").GetString()));
    }

    public void Dispose() => _client.Dispose();

    private static Guid SessionOf(Tokens tokens) => Guid.Parse(new JsonWebToken(tokens.AccessToken).GetClaim("sid").Value);

    private async Task<long> SessionRowsAsync(params Tokens[] sessions) =>
        (long)(await host.AuthDatabaseAsync("SELECT count(*) FROM sessions WHERE id = ANY(@ids)", ("ids", sessions.Select(SessionOf).ToArray())))!;

    private Task<HttpResponseMessage> ChangePasswordAsync(string token, string current, string next) =>
        _client.Auth(HttpMethod.Post, "/auth/password", new { currentPassword = current, newPassword = next }, token);
}
