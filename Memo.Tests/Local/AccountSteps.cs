using System.Net;
using System.Net.Http.Json;

using Memo.DevHost.Infrastructure;
using Memo.ServiceDefaults.Events;
using Memo.Tests.Hosting;
using Memo.Tests.Scenarios;

using Npgsql;

using StackExchange.Redis;

namespace Memo.Tests.Local;

/// <summary>A user and the notes they wrote.</summary>
public sealed record Owner(TestUser User, NoteDto[] Notes);

/// <summary>The steps the account tests share: users with notes, deleting an account, and looking behind the API.</summary>
public static class AccountSteps
{
    /// <summary>How long the notes of a deleted account may take to go once everything is up: "within seconds".</summary>
    public static readonly TimeSpan NotesGone = TimeSpan.FromSeconds(10);

    public static async Task<Owner> NewOwnerAsync(this MemoClient client, int notes)
    {
        var user = await client.NewUserAsync();
        var created = new NoteDto[notes];
        await Parallel.ForEachAsync(Enumerable.Range(0, notes), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            created[i] = await client.CreateNoteAsync(user.Tokens.AccessToken, new NoteBody($"note {i} of {user.Email}", $"content {i}", ["mine"])));
        return new Owner(user, created);
    }

    public static async Task DeleteAccountAsync(this MemoClient client, TestUser user)
    {
        using var response = await client.Auth(HttpMethod.Delete, "/auth/me", new { password = user.Password }, user.Tokens.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>The owner still sees exactly the notes they wrote, through the API.</summary>
    public static async Task AssertNotesIntactAsync(this MemoClient client, Owner owner)
    {
        var page = await client.ListAsync(owner.User.Tokens.AccessToken, "?limit=100");
        Assert.Null(page.NextCursor);
        Assert.Equal(owner.Notes.Select(n => n.Id).Order(), page.Items.Select(n => n.Id).Order());
    }

    /// <summary>Notes of <paramref name="owner"/> in notesdb: the only way to see those of an account that no longer exists.</summary>
    public static async Task<long> StoredNotesAsync(this LocalMemoHost host, Guid owner)
    {
        await using var connection = new NpgsqlConnection(host.Stack.Postgres.ConnectionString(LocalStack.NotesDatabase));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM notes WHERE owner_id = @owner", connection);
        command.Parameters.AddWithValue("owner", owner);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static Task AssertNotesGoneAsync(this LocalMemoHost host, Guid owner) =>
        Eventually.TrueAsync(async () => await host.StoredNotesAsync(owner) == 0, NotesGone, "The deleted account's notes were not deleted");

    /// <summary>The outbox rows of the user's deletion: when each was sent, null while unsent.</summary>
    public static async Task<List<DateTimeOffset?>> OutboxSentAtAsync(this LocalMemoHost host, Guid user)
    {
        await using var connection = new NpgsqlConnection(host.Stack.Postgres.ConnectionString(LocalStack.AuthDatabase));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT sent_at FROM outbox WHERE user_id = @user ORDER BY id", connection);
        command.Parameters.AddWithValue("user", user);
        var sent = new List<DateTimeOffset?>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sent.Add(await reader.IsDBNullAsync(0) ? null : reader.GetFieldValue<DateTimeOffset>(0));
        }

        return sent;
    }

    /// <summary>Runs a statement on authdb, for the checks that look behind the API; returns the first column of the first row.</summary>
    public static async Task<object?> AuthDatabaseAsync(this LocalMemoHost host, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(host.Stack.Postgres.ConnectionString(LocalStack.AuthDatabase));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync();
    }

    /// <summary>The stream entries about <paramref name="user"/>.</summary>
    public static async Task<StreamEntry[]> EventsAboutAsync(IDatabase redis, Guid user) =>
        (await redis.StreamRangeAsync(EventStream.Key)).Where(e => e["user"] == user.ToString()).ToArray();

    /// <summary>Every entry delivered to the group has been acknowledged.</summary>
    public static Task AssertAllAcknowledgedAsync(IDatabase redis) =>
        Eventually.TrueAsync(async () => (await redis.StreamPendingAsync(EventStream.Key, "notes")).PendingMessageCount == 0,
            NotesGone, "Events stayed unacknowledged");

    /// <summary>Each of the user's sessions is refused by every Notes instance within a second, and cannot be refreshed.</summary>
    public static async Task AssertSessionsEndedAsync(IEnumerable<MemoClient> notesInstances, params Tokens[] sessions)
    {
        foreach (var client in notesInstances)
        {
            await Task.WhenAll(sessions.Select(tokens => client.WaitForStatusAsync(
                () => client.Notes(HttpMethod.Get, "/notes", token: tokens.AccessToken), HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1))));
        }

        var auth = notesInstances.First();
        foreach (var tokens in sessions)
        {
            using var refresh = await auth.Auth(HttpMethod.Post, "/auth/refresh", new { refresh_token = tokens.RefreshToken });
            await AuthScenarios.AssertProblemAsync(refresh, HttpStatusCode.Unauthorized);
        }
    }

    public static async Task<ConnectionMultiplexer> ConnectRedisAsync(this LocalMemoHost host) =>
        await ConnectionMultiplexer.ConnectAsync($"{host.Stack.Redis.ConnectionString},abortConnect=false");
}
