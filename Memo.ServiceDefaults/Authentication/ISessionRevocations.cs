namespace Memo.ServiceDefaults.Authentication;

/// <summary>Answers whether a session (the <c>sid</c> claim) has ended by logout, logout-all or refresh-token reuse.</summary>
public interface ISessionRevocations
{
    ValueTask<bool> IsRevokedAsync(string sessionId, CancellationToken cancellationToken);
}
