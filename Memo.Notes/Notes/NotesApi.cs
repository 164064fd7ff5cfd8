using System.Globalization;
using System.Security.Claims;

using Memo.Notes.Revocation;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Memo.Notes.Notes;

public static class NotesApi
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapNotes(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/notes")
            .WithTags("Notes")
            .RequireAuthorization()
            .AddEndpointFilter(RequireRevocationMirror);

        group.MapPost("/", CreateAsync).WithSummary("Creates a note.").ProducesValidationProblem();
        group.MapGet("/", ListAsync).WithSummary("Lists notes, newest first; filters by tag and by text (q) in title or content.").ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetAsync).WithSummary("One note, with its ETag.");
        group.MapPut("/{id:guid}", UpdateAsync).WithSummary("Replaces a note; honours If-Match.").ProducesValidationProblem();
        group.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Deletes a note.");
        group.MapGet("/export", Export)
            .WithSummary("Every note of the user, oldest first, as one JSON array to download (streamed).");
        return group;
    }

    private static async Task<Created<Note>> CreateAsync(NoteRequest request, ClaimsPrincipal user, NoteStore notes, HttpContext http, CancellationToken ct)
    {
        var note = await notes.CreateAsync(user.GetUserId(), request, ct);
        SetETag(http, note);
        return TypedResults.Created($"/notes/{note.Id}", note);
    }

    private static async Task<Results<Ok<NotePage>, ValidationProblem>> ListAsync(
        ClaimsPrincipal user, NoteStore notes, CancellationToken ct, int? limit, string? cursor, string? tag, string? q)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"The limit is 1 to {MaxPageSize}."];
        }

        NoteCursor? after = null;
        if (cursor is not null)
        {
            if (NoteCursor.TryParse(cursor, out var parsed))
            {
                after = parsed;
            }
            else
            {
                errors["cursor"] = ["The cursor is not one this API returned."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = new NoteQuery(limit ?? DefaultPageSize, after, string.IsNullOrEmpty(tag) ? null : tag, string.IsNullOrEmpty(q) ? null : q);
        return TypedResults.Ok(await notes.ListAsync(user.GetUserId(), query, ct));
    }

    // Another user's note answers 404 like a missing one: its existence is not revealed.
    private static async Task<Results<Ok<Note>, NotFound>> GetAsync(Guid id, ClaimsPrincipal user, NoteStore notes, HttpContext http, CancellationToken ct)
    {
        if (await notes.FindAsync(user.GetUserId(), id, ct) is not { } note)
        {
            return TypedResults.NotFound();
        }

        SetETag(http, note);
        return TypedResults.Ok(note);
    }

    private static async Task<Results<Ok<Note>, NotFound, StatusCodeHttpResult>> UpdateAsync(
        Guid id, NoteRequest request, ClaimsPrincipal user, NoteStore notes, HttpContext http, CancellationToken ct)
    {
        int? expected = null;
        if (http.Request.Headers.IfMatch.Count > 0 && !TryReadIfMatch(http, out expected))
        {
            return TypedResults.StatusCode(StatusCodes.Status412PreconditionFailed);
        }

        switch (await notes.UpdateAsync(user.GetUserId(), id, request, expected, ct))
        {
            case UpdateResult.Updated updated:
                SetETag(http, updated.Note);
                return TypedResults.Ok(updated.Note);
            case UpdateResult.VersionMismatch:
                return TypedResults.StatusCode(StatusCodes.Status412PreconditionFailed);
            default:
                return TypedResults.NotFound();
        }
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, ClaimsPrincipal user, NoteStore notes, CancellationToken ct) =>
        await notes.DeleteAsync(user.GetUserId(), id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    // Serialized as the database returns the rows, flushed in chunks: memory does not grow with the number of notes.
    private static Ok<IAsyncEnumerable<Note>> Export(ClaimsPrincipal user, NoteStore notes, HttpContext http, CancellationToken ct)
    {
        http.Response.Headers.ContentDisposition = "attachment; filename=\"memo-notes.json\"";
        return TypedResults.Ok(notes.ExportAsync(user.GetUserId(), ct));
    }

    // A strong ETag: the version, quoted. (A digit string needs no EntityTagHeaderValue to check it.)
    private static void SetETag(HttpContext http, Note note) =>
        http.Response.Headers.ETag = string.Create(CultureInfo.InvariantCulture, $"\"{note.Version}\"");

    /// <summary>
    /// If-Match: <c>*</c> matches any version (expected stays null); otherwise the one version named.
    /// False when the header names nothing this API could have issued, which can never match.
    /// </summary>
    private static bool TryReadIfMatch(HttpContext http, out int? expected)
    {
        expected = null;
        if (!EntityTagHeaderValue.TryParseList(http.Request.Headers.IfMatch, out var tags) || tags.Count == 0)
        {
            return false;
        }

        if (tags.Any(t => t.Equals(EntityTagHeaderValue.Any)))
        {
            return true;
        }

        // If-Match uses the strong comparison (RFC 9110 13.1.1): a weak tag never matches.
        var versions = tags.Where(t => !t.IsWeak)
            .Select(t => int.TryParse(t.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null)
            .OfType<int>()
            .ToList();
        expected = versions.Count == 1 ? versions[0] : null;
        return versions.Count == 1;
    }

    private static async ValueTask<object?> RequireRevocationMirror(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var mirror = context.HttpContext.RequestServices.GetRequiredService<RevocationMirror>();
        if (mirror.IsSynced)
        {
            return await next(context);
        }

        context.HttpContext.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "This instance has not loaded the token revocation list yet. Try again shortly.");
    }
}
