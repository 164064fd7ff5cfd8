using Microsoft.AspNetCore.WebUtilities;

namespace Memo.Web.Components;

/// <summary>Memo.Web's own URLs. The gateway sends /auth, /.well-known and /notes to the APIs, so pages live elsewhere.</summary>
public static class Links
{
    public const string Home = "/";
    public const string SignIn = "/signin";
    public const string SignUp = "/signup";
    public const string Account = "/account";
    public const string NewNote = "/memos/new";
    public const string SessionEnded = "/signin?reason=ended";
    public const string SignedOut = "/signin?reason=signed-out";
    public const string AccountDeleted = "/signin?reason=account-deleted";
    public const string DeleteAccount = "/account/delete";
    public const string ExportNotes = "/account/export";

    public static string Note(Guid id) => $"/memos/{id}";

    public static string EditNote(Guid id) => $"/memos/{id}/edit";

    public static string DeleteNote(Guid id) => $"/memos/{id}/delete";

    public static string Notes(string? query, string? tag) => QueryHelpers.AddQueryString(Home, new Dictionary<string, string?>
    {
        ["q"] = string.IsNullOrWhiteSpace(query) ? null : query,
        ["tag"] = string.IsNullOrWhiteSpace(tag) ? null : tag,
    });

    /// <summary>
    /// <paramref name="url"/> if it stays on this site (a path such as <c>/memos/1</c>), else the home page: no open
    /// redirects. The same rule as MVC's <c>IsLocalUrl</c>: "/" not followed by "/" or "\".
    /// </summary>
    public static string LocalOrHome(string? url) =>
        url is ['/'] or ['/', not ('/' or '\\'), ..] ? url : Home;
}
