using System.Text.Json.Serialization;

namespace Memo.Web.Apis;

/// <summary>Memo.Auth's token response (RFC 6749 names). <c>device_token</c> is absent from Auth versions that do not issue one.</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken,
    [property: JsonPropertyName("refresh_token_expires_in")] long RefreshTokenExpiresIn,
    [property: JsonPropertyName("device_token")] string? DeviceToken = null);

/// <summary>A note as Memo.Notes returns it; <see cref="Version"/> is its ETag.</summary>
public sealed record Note(Guid Id, string Title, string Content, IReadOnlyList<string> Tags, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version);

public sealed record NotePage(IReadOnlyList<Note> Items, string? NextCursor);

/// <summary>The body of a create or an update.</summary>
public sealed record NoteInput(string Title, string Content, IReadOnlyList<string> Tags);

/// <summary>The part of an RFC 9457 problem document Memo.Web shows: validation errors per field.</summary>
public sealed record Problem(string? Title, Dictionary<string, string[]>? Errors);

/// <summary>Validation errors from an API, by the API's field name (any case).</summary>
public sealed class FieldErrors(IReadOnlyDictionary<string, string[]> errors)
{
    public static readonly FieldErrors None = new(new Dictionary<string, string[]>());

    public IEnumerable<string> For(string field) => errors.Where(e => Names(e.Key, field)).SelectMany(e => e.Value);

    /// <summary>Errors of fields the form does not show, so none is lost.</summary>
    public IEnumerable<string> Except(params string[] fields) =>
        errors.Where(e => !fields.Any(f => Names(e.Key, f))).SelectMany(e => e.Value);

    // "Tags" also names the errors of single items ("Tags[3]").
    private static bool Names(string key, string field) =>
        key.Equals(field, StringComparison.OrdinalIgnoreCase) || key.StartsWith(field + "[", StringComparison.OrdinalIgnoreCase);
}

public abstract record LoginResult
{
    public sealed record SignedIn(TokenResponse Tokens) : LoginResult;

    public sealed record WrongCredentials : LoginResult;

    public sealed record Throttled(TimeSpan? RetryAfter) : LoginResult;

    public sealed record Invalid(FieldErrors Errors) : LoginResult;
}

/// <summary>What Auth answers to a change asked with the current password (a new password, the account's deletion).</summary>
public abstract record PasswordResult
{
    public sealed record Done : PasswordResult;

    public sealed record WrongPassword : PasswordResult;

    public sealed record Throttled(TimeSpan? RetryAfter) : PasswordResult;

    public sealed record Invalid(FieldErrors Errors) : PasswordResult;
}

public static class RetryAfter
{
    /// <summary>The whole minutes a throttled person is told to wait: at least one, and one when Auth named no time.</summary>
    public static int Minutes(TimeSpan? wait) => Math.Max(1, (int)Math.Ceiling((wait ?? TimeSpan.FromMinutes(1)).TotalMinutes));
}

public abstract record RegisterResult
{
    public sealed record Registered : RegisterResult;

    public sealed record EmailTaken : RegisterResult;

    public sealed record Invalid(FieldErrors Errors) : RegisterResult;
}

public abstract record SaveResult
{
    public sealed record Saved(Note Note) : SaveResult;

    public sealed record Invalid(FieldErrors Errors) : SaveResult;

    /// <summary>412: the note changed since the version the form was opened on.</summary>
    public sealed record Changed : SaveResult;

    /// <summary>404: the note is gone (deleted elsewhere).</summary>
    public sealed record Missing : SaveResult;
}
