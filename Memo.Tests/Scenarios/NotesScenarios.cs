using System.Net;
using System.Net.Http.Json;
using System.Text;

using Memo.Tests.Hosting;

namespace Memo.Tests.Scenarios;

/// <summary>Memo.Notes through HTTP, each test with users of its own.</summary>
public abstract class NotesScenarios(IMemoHost host) : IDisposable
{
    private readonly MemoClient _client = new(host);

    [Fact]
    public async Task Create_get_update_delete()
    {
        var token = (await _client.NewUserAsync()).Tokens.AccessToken;
        using var created = await _client.Notes(HttpMethod.Post, "/notes", new NoteBody("First", "Hello", ["work", "work", "idea"]), token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var note = (await created.Content.ReadFromJsonAsync<NoteDto>())!;
        Assert.Equal($"/notes/{note.Id}", created.Headers.Location!.ToString());
        Assert.Equal("\"1\"", created.Headers.ETag!.ToString());
        Assert.Equal(["work", "idea"], note.Tags);
        Assert.Equal(1, note.Version);
        Assert.Equal(TimeSpan.Zero, note.CreatedAt.Offset);

        using var got = await _client.Notes(HttpMethod.Get, $"/notes/{note.Id}", token: token);
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal("\"1\"", got.Headers.ETag!.ToString());
        Assert.Equal(note, await got.Content.ReadFromJsonAsync<NoteDto>(), NoteComparer);
        var json = await got.Content.ReadAsStringAsync();
        Assert.Matches("\"createdAt\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|\\+00:00)\"", json);

        using var updated = await _client.Notes(HttpMethod.Put, $"/notes/{note.Id}", new NoteBody("First, edited", "Hello again", []), token);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var edited = (await updated.Content.ReadFromJsonAsync<NoteDto>())!;
        Assert.Equal(("First, edited", "Hello again", 2), (edited.Title, edited.Content, edited.Version));
        Assert.Equal("\"2\"", updated.Headers.ETag!.ToString());
        Assert.True(edited.UpdatedAt >= edited.CreatedAt);

        using var deleted = await _client.Notes(HttpMethod.Delete, $"/notes/{note.Id}", token: token);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await _client.Notes(HttpMethod.Get, $"/notes/{note.Id}", token: token);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var deletedAgain = await _client.Notes(HttpMethod.Delete, $"/notes/{note.Id}", token: token);
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
    }

    [Fact]
    public async Task If_match_with_a_stale_version_is_412_and_with_the_current_one_succeeds()
    {
        var token = (await _client.NewUserAsync()).Tokens.AccessToken;
        var note = await _client.CreateNoteAsync(token, new NoteBody("Title", "v1"));
        using var first = await Put(note.Id, token, "\"1\"", "v2");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var stale = await Put(note.Id, token, "\"1\"", "v3 from a stale copy");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        using var weak = await Put(note.Id, token, "W/\"2\"", "weak tags never match If-Match");
        Assert.Equal(HttpStatusCode.PreconditionFailed, weak.StatusCode);
        using var any = await Put(note.Id, token, "*", "v3");
        Assert.Equal(HttpStatusCode.OK, any.StatusCode);
        Assert.Equal("\"3\"", any.Headers.ETag!.ToString());
        using var current = await Put(note.Id, token, "\"3\"", "v4");
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal("v4", (await _client.ListAsync(token)).Items.Single().Content);
    }

    [Fact]
    public async Task Pages_neither_skip_nor_repeat_when_notes_are_added_between_them()
    {
        var token = (await _client.NewUserAsync()).Tokens.AccessToken;
        var originals = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            originals.Add((await _client.CreateNoteAsync(token, new NoteBody($"note {i}", "body"))).Id);
        }

        var seen = new List<Guid>();
        var page = await _client.ListAsync(token, "?limit=3");
        seen.AddRange(page.Items.Select(n => n.Id));
        while (page.NextCursor is not null)
        {
            await _client.CreateNoteAsync(token, new NoteBody("added meanwhile", "body")); // newer: belongs before the cursor
            page = await _client.ListAsync(token, $"?limit=3&cursor={page.NextCursor}");
            seen.AddRange(page.Items.Select(n => n.Id));
        }

        originals.Reverse(); // newest first
        Assert.Equal(originals, seen);
    }

    [Fact]
    public async Task Limit_defaults_to_20_and_is_bounded()
    {
        var token = (await _client.NewUserAsync()).Tokens.AccessToken;
        for (var i = 0; i < 21; i++)
        {
            await _client.CreateNoteAsync(token, new NoteBody($"n{i}", ""));
        }

        var page = await _client.ListAsync(token);
        Assert.Equal(20, page.Items.Length);
        Assert.NotNull(page.NextCursor);
        Assert.Equal(21, (await _client.ListAsync(token, "?limit=100")).Items.Length);
        foreach (var bad in new[] { "?limit=0", "?limit=101", "?limit=abc", "?cursor=bm90LWEtY3Vyc29y", "?cursor=%%%" })
        {
            using var response = await _client.Notes(HttpMethod.Get, "/notes" + bad, token: token);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task Search_finds_text_in_title_or_content_in_English_and_Korean_case_insensitively()
    {
        var token = (await _client.NewUserAsync()).Tokens.AccessToken;
        var korean = await _client.CreateNoteAsync(token, new NoteBody("메모장 시스템 설계", "마이크로서비스"));
        var english = await _client.CreateNoteAsync(token, new NoteBody("Shopping", "Buy MILK and bread"));
        await _client.CreateNoteAsync(token, new NoteBody("Unrelated", "nothing here 100%"));

        Assert.Equal([korean.Id], (await _client.ListAsync(token, "?q=" + Uri.EscapeDataString("메모"))).Items.Select(n => n.Id));
        Assert.Equal([korean.Id], (await _client.ListAsync(token, "?q=" + Uri.EscapeDataString("서비스"))).Items.Select(n => n.Id));
        Assert.Equal([english.Id], (await _client.ListAsync(token, "?q=milk")).Items.Select(n => n.Id));
        Assert.Equal([english.Id], (await _client.ListAsync(token, "?q=SHOP")).Items.Select(n => n.Id));
        Assert.Equal([english.Id], (await _client.ListAsync(token, "?q=mI")).Items.Select(n => n.Id)); // too short for a trigram
        Assert.Empty((await _client.ListAsync(token, "?q=" + Uri.EscapeDataString("%_"))).Items); // wildcards are literal
    }

    [Fact]
    public async Task Tag_filter_returns_only_notes_with_that_tag()
    {
        var token = (await _client.NewUserAsync()).Tokens.AccessToken;
        var work = await _client.CreateNoteAsync(token, new NoteBody("a", "", ["work", "urgent"]));
        await _client.CreateNoteAsync(token, new NoteBody("b", "", ["home"]));
        Assert.Equal([work.Id], (await _client.ListAsync(token, "?tag=work")).Items.Select(n => n.Id));
        Assert.Equal([work.Id], (await _client.ListAsync(token, "?tag=urgent&q=a")).Items.Select(n => n.Id));
        Assert.Empty((await _client.ListAsync(token, "?tag=wor")).Items);
    }

    [Fact]
    public async Task Another_users_note_is_404_for_every_verb_and_never_listed()
    {
        var owner = (await _client.NewUserAsync()).Tokens.AccessToken;
        var intruder = (await _client.NewUserAsync()).Tokens.AccessToken;
        var note = await _client.CreateNoteAsync(owner, new NoteBody("private", "secret", ["mine"]));

        using var get = await _client.Notes(HttpMethod.Get, $"/notes/{note.Id}", token: intruder);
        using var put = await _client.Notes(HttpMethod.Put, $"/notes/{note.Id}", new NoteBody("mine now", "x"), intruder);
        using var delete = await _client.Notes(HttpMethod.Delete, $"/notes/{note.Id}", token: intruder);
        Assert.All(new[] { get, put, delete }, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Empty((await _client.ListAsync(intruder)).Items);
        Assert.Empty((await _client.ListAsync(intruder, "?q=secret")).Items);
        Assert.Empty((await _client.ListAsync(intruder, "?tag=mine")).Items);

        var unchanged = (await _client.ListAsync(owner)).Items.Single();
        Assert.Equal(("private", 1), (unchanged.Title, unchanged.Version));
    }

    [Fact]
    public async Task Limits_are_enforced_with_per_field_errors()
    {
        var token = (await _client.NewUserAsync()).Tokens.AccessToken;
        using var response = await _client.Notes(HttpMethod.Post, "/notes",
            new NoteBody("", new string('c', 100_001), [.. Enumerable.Range(0, 17).Select(i => $"t{i}")]), token);
        var errors = (await AuthScenarios.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("Title", out _));
        Assert.True(errors.TryGetProperty("Content", out _));
        Assert.True(errors.TryGetProperty("Tags", out _));

        using var longTitle = await _client.Notes(HttpMethod.Post, "/notes", new NoteBody(new string('t', 201), ""), token);
        Assert.Equal(HttpStatusCode.BadRequest, longTitle.StatusCode);
        using var longTag = await _client.Notes(HttpMethod.Post, "/notes", new NoteBody("t", "", [new string('g', 33)]), token);
        Assert.Equal(HttpStatusCode.BadRequest, longTag.StatusCode);
        using var emptyTag = await _client.Notes(HttpMethod.Post, "/notes", new NoteBody("t", "", [""]), token);
        Assert.Equal(HttpStatusCode.BadRequest, emptyTag.StatusCode);

        var atTheLimits = await _client.CreateNoteAsync(token,
            new NoteBody(new string('t', 200), new string('c', 100_000), [.. Enumerable.Range(0, 16).Select(i => new string((char)('a' + i), 32))]));
        Assert.Equal(16, atTheLimits.Tags.Length);

        using var huge = await _client.Notes(HttpMethod.Post, "/notes", new NoteBody("t", new string('c', 300_000)), token);
        await AuthScenarios.AssertProblemAsync(huge, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Malformed_ids_and_bodies_are_client_errors_never_500()
    {
        var token = (await _client.NewUserAsync()).Tokens.AccessToken;
        foreach (var path in new[] { "/notes/not-a-guid", "/notes/123", $"/notes/{Guid.NewGuid()}" })
        {
            using var response = await _client.Notes(HttpMethod.Get, path, token: token);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        foreach (var body in new[] { "{", "[]", "{\"title\": 5, \"content\": []}", "" })
        {
            using var response = await _client.Notes(HttpMethod.Post, "/notes", new StringContent(body, Encoding.UTF8, "application/json"), token);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task Every_endpoint_needs_a_token()
    {
        var id = Guid.NewGuid();
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/notes"), (HttpMethod.Post, "/notes"), (HttpMethod.Get, $"/notes/{id}"), (HttpMethod.Put, $"/notes/{id}"), (HttpMethod.Delete, $"/notes/{id}") })
        {
            using var response = await _client.Notes(method, path, method == HttpMethod.Post || method == HttpMethod.Put ? new NoteBody("t", "c") : null);
            await AuthScenarios.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task OpenApi_document_describes_the_endpoints()
    {
        using var response = await _client.Get(host.NotesServiceUrl, "/openapi/v1.json");
        var paths = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("paths");
        Assert.True(paths.TryGetProperty("/notes", out _));
        Assert.True(paths.TryGetProperty("/notes/{id}", out _));
    }

    public void Dispose()
    {
        _client.Dispose();
        GC.SuppressFinalize(this);
    }

    private Task<HttpResponseMessage> Put(Guid id, string token, string ifMatch, string content) =>
        _client.Notes(HttpMethod.Put, $"/notes/{id}", new NoteBody("Title", content), token,
            r => r.Headers.TryAddWithoutValidation("If-Match", ifMatch));

    private static readonly IEqualityComparer<NoteDto?> NoteComparer = EqualityComparer<NoteDto?>.Create(
        (a, b) => a is not null && b is not null && a.Id == b.Id && a.Title == b.Title && a.Content == b.Content
                  && a.Tags.SequenceEqual(b.Tags) && a.CreatedAt == b.CreatedAt && a.Version == b.Version);
}
