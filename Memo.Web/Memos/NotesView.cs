using Memo.Web.Apis;

namespace Memo.Web.Memos;

/// <summary>
/// What the notes list shows: the filter and the notes loaded so far. Carried from the server rendering into the
/// interactive one (persisted component state), so the first page is fetched once; hence previews, not whole notes.
/// </summary>
public sealed record NotesView(string? Query, string? Tag, IReadOnlyList<NoteSummary> Items, string? NextCursor);

public sealed record NoteSummary(Guid Id, string Title, string Preview, IReadOnlyList<string> Tags, DateTimeOffset UpdatedAt)
{
    public const int PreviewLength = 200;

    public static NoteSummary From(Note note) => new(note.Id, note.Title, PreviewOf(note.Content), note.Tags, note.UpdatedAt);

    private static string PreviewOf(string content)
    {
        if (content.Length <= PreviewLength)
        {
            return content;
        }

        // Never cut a character made of two UTF-16 units in half.
        var end = char.IsHighSurrogate(content[PreviewLength - 1]) ? PreviewLength - 1 : PreviewLength;
        return content[..end] + "…";
    }
}
