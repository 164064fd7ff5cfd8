using System.ComponentModel.DataAnnotations;

namespace Memo.Notes.Notes;

/// <summary>
/// A note as the API returns it. Times are UTC; <see cref="Version"/> is also the ETag. Tags is an array, as Npgsql
/// reads it: System.Text.Json writes an array by index, and an IReadOnlyList through an enumerator allocated per note.
/// </summary>
public sealed record Note(Guid Id, string Title, string Content, string[] Tags, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version);

/// <summary>The body of POST and PUT.</summary>
public sealed record NoteRequest(
    [property: Required, StringLength(200, MinimumLength = 1)] string Title,
    [property: Required(AllowEmptyStrings = true), StringLength(100_000)] string Content,
    [property: NoteTags] IReadOnlyList<string>? Tags)
{
    public string[] DistinctTags => Tags?.Distinct(StringComparer.Ordinal).ToArray() ?? [];
}

/// <summary>At most 16 tags of 1 to 32 characters (not blank).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class NoteTagsAttribute : ValidationAttribute
{
    public const int MaxTags = 16;
    public const int MaxTagLength = 32;

    public NoteTagsAttribute()
        : base($"At most {MaxTags} tags, each of 1 to {MaxTagLength} characters.")
    {
    }

    public override bool IsValid(object? value) =>
        value is not IReadOnlyList<string> tags
        || (tags.Count <= MaxTags && tags.All(t => !string.IsNullOrWhiteSpace(t) && t.Length <= MaxTagLength));
}

public sealed record NotePage(IReadOnlyList<Note> Items, string? NextCursor);
