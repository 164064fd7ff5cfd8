using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Memo.DevHost.Infrastructure;
using Memo.ServiceDefaults.Events;
using Memo.Tests.Hosting;

using StackExchange.Redis;

namespace Memo.Tests.Local;

/// <summary>
/// Account deletion under faults: Notes down, Redis down or emptied, Auth killed between its commit and the publish, an
/// event delivered twice or left pending by a dead consumer. Each time the deleted account's notes go within seconds of
/// everything being back, and nobody else's. Every test restores what it stops.
/// </summary>
public sealed class AccountDeletionFaultTests(LocalMemoHost host) : IClassFixture<LocalMemoHost>, IDisposable
{
    private readonly MemoClient _client = new(host);

    [Fact]
    public async Task Notes_stopped_everywhere_during_the_deletion_deletes_the_notes_once_it_is_started_again()
    {
        await using var second = await host.Stack.StartNotesAsync(host.AuthUrl, LocalMemoHost.FastNotesSettings);
        await DeleteWhileNotesIsDownAsync(async leaving =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(10, await host.StoredNotesAsync(leaving.User.Id)); // nobody was there to take the event
        }, second);
    }

    [Fact]
    public async Task With_Redis_down_the_deletion_still_answers_204_and_the_notes_go_once_Redis_is_back()
    {
        var keeper = await _client.NewOwnerAsync(3);
        var leaving = await _client.NewOwnerAsync(10);
        await host.Stack.Redis.StopAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            await _client.DeleteAccountAsync(leaving.User);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"The deletion took {clock.Elapsed} with Redis down.");
            Assert.Equal([null], await host.OutboxSentAtAsync(leaving.User.Id)); // committed, not published
            using var again = await _client.Auth(HttpMethod.Post, "/auth/register", new { email = leaving.User.Email, password = leaving.User.Password });
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        }
        finally
        {
            await host.Stack.Redis.StartAsync();
        }

        await host.AssertNotesGoneAsync(leaving.User.Id);
        Assert.NotNull((await host.OutboxSentAtAsync(leaving.User.Id)).Single());
        await _client.WaitForStatusAsync(() => _client.Notes(HttpMethod.Get, "/notes", token: leaving.User.Tokens.AccessToken),
            HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(10));
        await _client.AssertNotesIntactAsync(keeper);
    }

    [Fact]
    public async Task An_event_committed_by_an_Auth_instance_killed_before_publishing_it_is_published_by_the_next()
    {
        var keeper = await _client.NewOwnerAsync(3);
        var leaving = await _client.NewOwnerAsync(10);

        // Redis down, so that the deletion commits and nothing can publish it; then Auth dies (SIGKILL).
        await host.Stack.Redis.StopAsync();
        var redisDown = true;
        try
        {
            await _client.DeleteAccountAsync(leaving.User);
            Assert.Equal([null], await host.OutboxSentAtAsync(leaving.User.Id));
            await host.Auth.KillAsync();
            await host.Stack.Redis.StartAsync();
            redisDown = false;
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(10, await host.StoredNotesAsync(leaving.User.Id)); // no Auth, no publish
            await host.RestartAuthAsync();
        }
        finally
        {
            if (redisDown)
            {
                await host.Stack.Redis.StartAsync();
            }

            if (host.Auth.HasExited)
            {
                await host.RestartAuthAsync();
            }
        }

        await host.AssertNotesGoneAsync(leaving.User.Id);
        Assert.NotNull((await host.OutboxSentAtAsync(leaving.User.Id)).Single());
        await _client.AssertNotesIntactAsync(keeper);
    }

    [Fact]
    public async Task The_same_event_delivered_twice_deletes_nothing_more()
    {
        var leaving = await _client.NewOwnerAsync(5);
        await _client.DeleteAccountAsync(leaving.User);
        await host.AssertNotesGoneAsync(leaving.User.Id);

        // The same person comes back with the same email, and someone else writes too.
        using (var again = await _client.Auth(HttpMethod.Post, "/auth/register", new { email = leaving.User.Email, password = leaving.User.Password }))
        {
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
            var id = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            Assert.NotEqual(leaving.User.Id, id);
        }

        var returned = await _client.LoginAsync(leaving.User.Email, leaving.User.Password);
        var returnedNotes = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            _client.CreateNoteAsync(returned.AccessToken, new NoteBody($"back {i}", "after the deletion"))));
        var keeper = await _client.NewOwnerAsync(3);

        await using var redis = await host.ConnectRedisAsync();
        var db = redis.GetDatabase();
        var original = (await AccountSteps.EventsAboutAsync(db, leaving.User.Id)).First();
        var duplicate = await db.StreamAddAsync(EventStream.Key, original.Values);
        await Eventually.TrueAsync(async () => await HandledAsync(db, duplicate), AccountSteps.NotesGone, "The duplicate was not handled");

        await _client.AssertNotesIntactAsync(keeper);
        var page = await _client.ListAsync(returned.AccessToken);
        Assert.Equal(returnedNotes.Select(n => n.Id).Order(), page.Items.Select(n => n.Id).Order());
    }

    [Fact]
    public Task Redis_coming_back_empty_before_a_stopped_Notes_consumed_the_event_gets_it_published_again() =>
        DeleteWhileNotesIsDownAsync(async _ =>
        {
            // Redis restarts empty: the stream, and the event in it, are gone; the outbox row says it was sent.
            await host.Stack.Redis.StopAsync();
            await host.Stack.Redis.StartAsync();
        });

    [Fact]
    public async Task An_event_left_unacknowledged_by_a_dead_consumer_is_taken_over_by_a_live_one()
    {
        await using var redis = await host.ConnectRedisAsync();
        var db = redis.GetDatabase();
        await DeleteWhileNotesIsDownAsync(async leaving =>
        {
            // A consumer of the group is given the event and dies before acknowledging it.
            var taken = await db.StreamReadGroupAsync(EventStream.Key, "notes", "dead-consumer", StreamPosition.NewMessages, count: 1000);
            Assert.Contains(taken, e => e["user"] == leaving.User.Id.ToString());
        });
        await AccountSteps.AssertAllAcknowledgedAsync(db);
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// With every Notes instance stopped (the fixture's and <paramref name="others"/>), deletes an account with notes,
    /// checks that the event was published, does <paramref name="meanwhile"/>, then starts the fixture's Notes again:
    /// the account's notes go, another user's stay.
    /// </summary>
    private async Task DeleteWhileNotesIsDownAsync(Func<Owner, Task> meanwhile, params ServiceProcess[] others)
    {
        var keeper = await _client.NewOwnerAsync(3);
        var leaving = await _client.NewOwnerAsync(10);
        await Task.WhenAll(others.Select(o => o.StopAsync()).Append(host.Notes.StopAsync()));
        try
        {
            await _client.DeleteAccountAsync(leaving.User);
            await AssertPublishedAsync(leaving.User.Id);
            await meanwhile(leaving);
        }
        finally
        {
            await host.RestartNotesAsync();
        }

        await host.AssertNotesGoneAsync(leaving.User.Id);
        await _client.AssertNotesIntactAsync(keeper);
    }

    /// <summary>The user's deletion reached the stream and its outbox row is marked sent.</summary>
    private async Task AssertPublishedAsync(Guid user)
    {
        await using var redis = await host.ConnectRedisAsync();
        await Eventually.TrueAsync(async () => (await AccountSteps.EventsAboutAsync(redis.GetDatabase(), user)).Length > 0,
            TimeSpan.FromSeconds(5), "The event did not reach the stream");
        Assert.NotNull((await host.OutboxSentAtAsync(user)).Single());
    }

    /// <summary>The group was given the entry, and nothing it was given is unacknowledged.</summary>
    private static async Task<bool> HandledAsync(IDatabase db, RedisValue entryId)
    {
        var group = (await db.StreamGroupInfoAsync(EventStream.Key)).Single(g => g.Name == "notes");
        return StreamId(group.LastDeliveredId!).CompareTo(StreamId(entryId!)) >= 0
            && (await db.StreamPendingAsync(EventStream.Key, "notes")).PendingMessageCount == 0;
    }

    private static (long, long) StreamId(string id) =>
        id.Split('-') is [var ms, var seq] ? (long.Parse(ms, System.Globalization.CultureInfo.InvariantCulture), long.Parse(seq, System.Globalization.CultureInfo.InvariantCulture))
            : throw new FormatException(id);
}
