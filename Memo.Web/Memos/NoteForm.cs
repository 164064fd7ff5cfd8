using Memo.Web.Apis;

namespace Memo.Web.Memos;

/// <summary>What the note editor posts. Tags are typed as one text, separated by commas.</summary>
public sealed class NoteForm
{
    public string? Title { get; set; }

    public string? Content { get; set; }

    public string? Tags { get; set; }

    /// <summary>The version the form was opened on: the save's If-Match.</summary>
    public int Version { get; set; }

    public static NoteForm From(Note note) => new()
    {
        Title = note.Title,
        Content = note.Content,
        Tags = string.Join(", ", note.Tags),
        Version = note.Version,
    };

    public NoteInput ToInput() => new(
        Title ?? "",
        Content ?? "",
        (Tags ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
