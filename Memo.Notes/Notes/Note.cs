using System.ComponentModel.DataAnnotations;

namespace Memo.Notes.Notes;

/// <summary>A note as the API returns it. Times are UTC; <see cref="Version"/> is also the ETag.</summary>
public sealed record Note(Guid Id, string Title, string Content, IReadOnlyList<string> Tags, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version);

/// <summary>The body of POST and PUT.</summary>
public sealed record NoteRequest(
    [property: Required, StringLength(200, MinimumLength = 1)] string Title,
    [property: Required(AllowEmptyStrings = true), StringLength(100_000)] string Content,
    IReadOnlyList<string>? Tags) : IValidatableObject
{
    public const int MaxTags = 16;
    public const int MaxTagLength = 32;

    public IReadOnlyList<string> DistinctTags => Tags?.Distinct(StringComparer.Ordinal).ToList() ?? [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Tags is null)
        {
            yield break;
        }

        if (Tags.Count > MaxTags)
        {
            yield return new ValidationResult($"At most {MaxTags} tags.", [nameof(Tags)]);
        }

        if (Tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > MaxTagLength))
        {
            yield return new ValidationResult($"Each tag has 1 to {MaxTagLength} characters.", [nameof(Tags)]);
        }
    }
}

public sealed record NotePage(IReadOnlyList<Note> Items, string? NextCursor);
