using System.Runtime.CompilerServices;
using System.Text;

using Memo.ServiceDefaults.Data;

using Npgsql;

namespace Memo.Notes.Notes;

public sealed record NoteQuery(int Limit, NoteCursor? After, string? Tag, string? Text);

public abstract record UpdateResult
{
    public sealed record Updated(Note Note) : UpdateResult;

    public sealed record NotFound : UpdateResult;

    public sealed record VersionMismatch : UpdateResult;
}

/// <summary>
/// Notes in the notes database. Every statement is scoped to the owner, so one user never reaches another's notes.
/// Parameters are positional and typed (<see cref="CommandParameters.Bind"/>).
/// </summary>
public sealed class NoteStore(NpgsqlDataSource db, TimeProvider time)
{
    private const string Columns = "id, title, content, tags, created_at, updated_at, version";

    public async Task<Note> CreateAsync(Guid owner, NoteRequest request, CancellationToken ct)
    {
        var now = Now();
        var note = new Note(Guid.CreateVersion7(now), request.Title, request.Content, request.DistinctTags, now, now, 1);
        await using var command = db.CreateCommand("""
            INSERT INTO notes (id, owner_id, title, content, tags, created_at, updated_at, version)
            VALUES ($1, $2, $3, $4, $5, $6, $6, 1)
            """);
        command.Bind(note.Id);
        command.Bind(owner);
        command.Bind(note.Title);
        command.Bind(note.Content);
        command.Bind(note.Tags);
        command.Bind(now);
        await command.ExecuteNonQueryAsync(ct);
        return note;
    }

    public async Task<Note?> FindAsync(Guid owner, Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM notes WHERE id = $1 AND owner_id = $2");
        command.Bind(id);
        command.Bind(owner);
        return (await ReadAsync(command, 1, ct)).SingleOrDefault();
    }

    /// <summary>Newest first, one more than the limit read to know whether a next page exists.</summary>
    public async Task<NotePage> ListAsync(Guid owner, NoteQuery query, CancellationToken ct)
    {
        await using var command = db.CreateCommand();
        var ownerClause = $"owner_id = {command.Bind(owner)}";
        var afterClause = query.After is { } after ? $" AND (created_at, id) < ({command.Bind(after.CreatedAt)}, {command.Bind(after.Id)})" : "";
        var tagClause = query.Tag is not null ? $" AND tags @> ARRAY[{command.Bind(query.Tag)}::text]" : "";

        var textClause = "";
        if (query.Text is not null)
        {
            // The trigram indexes serve a text with three letters or digits in a row. For a shorter one they can only
            // return every user's notes, which PostgreSQL's estimates did not foresee (docs/performance.md): that text
            // is written in a form no index serves, so the user's own notes are read and filtered. lower(x) LIKE
            // lower(p) is what ILIKE computes in a UTF-8 database.
            var pattern = command.Bind($"%{EscapeLike(query.Text)}%");
            textClause = HasTrigram(query.Text)
                ? $" AND (title ILIKE {pattern} OR content ILIKE {pattern})"
                : $" AND (lower(title) LIKE lower({pattern}) OR lower(content) LIKE lower({pattern}))";
        }

        command.CommandText = $"SELECT {Columns} FROM notes WHERE {ownerClause}{afterClause}{tagClause}{textClause} ORDER BY created_at DESC, id DESC LIMIT {command.Bind(query.Limit + 1)}";

        var notes = await ReadAsync(command, query.Limit + 1, ct);
        if (notes.Count <= query.Limit)
        {
            return new NotePage(notes, null);
        }

        notes.RemoveAt(query.Limit);
        return new NotePage(notes, new NoteCursor(notes[^1].CreatedAt, notes[^1].Id).ToString());
    }

    /// <summary>Replaces the note if it exists and, when <paramref name="expectedVersion"/> is given, is still at that version.</summary>
    public async Task<UpdateResult> UpdateAsync(Guid owner, Guid id, NoteRequest request, int? expectedVersion, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            UPDATE notes SET title = $3, content = $4, tags = $5, updated_at = $6, version = version + 1
            WHERE id = $1 AND owner_id = $2 AND ($7::int IS NULL OR version = $7)
            RETURNING {Columns}
            """);
        command.Bind(id);
        command.Bind(owner);
        command.Bind(request.Title);
        command.Bind(request.Content);
        command.Bind(request.DistinctTags);
        command.Bind(Now());
        command.Bind(expectedVersion);
        if ((await ReadAsync(command, 1, ct)).SingleOrDefault() is { } updated)
        {
            return new UpdateResult.Updated(updated);
        }

        return await FindAsync(owner, id, ct) is null ? new UpdateResult.NotFound() : new UpdateResult.VersionMismatch();
    }

    public async Task<bool> DeleteAsync(Guid owner, Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand("DELETE FROM notes WHERE id = $1 AND owner_id = $2");
        command.Bind(id);
        command.Bind(owner);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Every note of the owner, oldest first, read from the database as the caller consumes them: memory holds the
    /// note at hand, not the list.
    /// </summary>
    public async IAsyncEnumerable<Note> ExportAsync(Guid owner, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM notes WHERE owner_id = $1 ORDER BY created_at, id");
        command.Bind(owner);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return ReadNote(reader);
        }
    }

    /// <summary>Deletes every note of the owner (their account was deleted); returns how many. Idempotent.</summary>
    public async Task<int> DeleteAllAsync(Guid owner, CancellationToken ct)
    {
        await using var command = db.CreateCommand("DELETE FROM notes WHERE owner_id = $1");
        command.Bind(owner);
        return await command.ExecuteNonQueryAsync(ct);
    }

    // PostgreSQL keeps microseconds: truncate so that what we return (and put in cursors) is exactly what is stored.
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.UtcTicks % 10));
    }

    private static bool HasTrigram(string text)
    {
        var run = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            run = Rune.IsLetterOrDigit(rune) ? run + 1 : 0;
            if (run == 3)
            {
                return true;
            }
        }

        return false;
    }

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);

    // Sized for the rows the statement can return (its LIMIT, or 1 by key): a list grown row by row copies itself.
    private static async Task<List<Note>> ReadAsync(NpgsqlCommand command, int capacity, CancellationToken ct)
    {
        var notes = new List<Note>(capacity);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            notes.Add(ReadNote(reader));
        }

        return notes;
    }

    private static Note ReadNote(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3),
        reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt32(6));
}
