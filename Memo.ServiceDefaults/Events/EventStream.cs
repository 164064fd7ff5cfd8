using System.Diagnostics.CodeAnalysis;
using System.Globalization;

using StackExchange.Redis;

namespace Memo.ServiceDefaults.Events;

/// <summary>An event of Memo.Auth's outbox: its outbox id (which also tells duplicates apart), its type and the user it concerns.</summary>
public sealed record MemoEvent(long Id, string Type, Guid UserId);

/// <summary>
/// The Redis layout of the events Memo.Auth publishes for the other services (written by its outbox relay, read by
/// consumer groups):
/// <list type="bullet">
/// <item>stream <c>memo:events</c>: one entry per event, fields <c>id</c> (the outbox id), <c>type</c>, <c>user</c>.
/// An event can arrive more than once (a relay retried, Redis was rebuilt): consumers are idempotent.</item>
/// <item><c>memo:events:restored</c>: set once Auth has published every retained event; its absence means Redis lost the stream.</item>
/// </list>
/// </summary>
public static class EventStream
{
    public const string Key = "memo:events";
    public const string RestoredMarkerKey = "memo:events:restored";

    /// <summary>The account was deleted: everything its user owned goes.</summary>
    public const string AccountDeleted = "account-deleted";

    public static NameValueEntry[] Entry(MemoEvent memoEvent) =>
    [
        new("id", memoEvent.Id.ToString(CultureInfo.InvariantCulture)),
        new("type", memoEvent.Type),
        new("user", memoEvent.UserId.ToString()),
    ];

    public static bool TryParse(StreamEntry entry, [NotNullWhen(true)] out MemoEvent? memoEvent)
    {
        var type = (string?)entry["type"];
        memoEvent = long.TryParse((string?)entry["id"], CultureInfo.InvariantCulture, out var id)
            && Guid.TryParse((string?)entry["user"], out var user) && !string.IsNullOrEmpty(type)
            ? new MemoEvent(id, type, user)
            : null;
        return memoEvent is not null;
    }
}
