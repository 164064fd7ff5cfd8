using System.Collections.Concurrent;

using Memo.ServiceDefaults.Authentication;

namespace Memo.Notes.Revocation;

/// <summary>
/// This instance's in-memory copy of the revoked sessions, so checking a token costs a dictionary lookup and no Redis round trip.
/// Entries are only added (never forgotten) until the tokens they revoke have expired.
/// </summary>
public sealed class RevocationMirror(TimeProvider time) : ISessionRevocations
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);
    private volatile bool _synced;

    /// <summary>True once the whole cache has been read at least once; before that the instance cannot tell a revoked token.</summary>
    public bool IsSynced => _synced;

    public int Count => _revoked.Count;

    public ValueTask<bool> IsRevokedAsync(string sessionId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_revoked.TryGetValue(sessionId, out var until) && until > time.GetUtcNow());

    public void Add(string sessionId, DateTimeOffset until) =>
        _revoked.AddOrUpdate(sessionId, until, (_, known) => known > until ? known : until);

    public void MarkSynced() => _synced = true;

    public void RemoveExpired()
    {
        var now = time.GetUtcNow();
        foreach (var (sid, until) in _revoked)
        {
            if (until <= now)
            {
                _revoked.TryRemove(KeyValuePair.Create(sid, until));
            }
        }
    }
}
