using System.Collections.Frozen;

using Memo.ServiceDefaults.Authentication;

using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Memo.Notes.Tokens;

/// <summary>
/// Memo.Auth's public keys, fetched from its JWKS through service discovery (<c>auth</c>) and held in memory.
/// A failed fetch keeps the keys already held, so Notes goes on verifying while Auth is down.
/// </summary>
public sealed partial class JwksKeySource(IHttpClientFactory httpClients, TimeProvider time, IOptions<JwksOptions> options, ILogger<JwksKeySource> logger)
    : ISigningKeySource
{
    public const string HttpClientName = "auth";
    private static readonly TimeSpan OnDemandWait = TimeSpan.FromSeconds(2);
    private readonly Lock _gate = new();
    private FrozenDictionary<string, VerificationKey> _keys = FrozenDictionary<string, VerificationKey>.Empty;
    private Task? _onDemand;
    private DateTimeOffset _lastOnDemand = DateTimeOffset.MinValue;

    public bool HasKeys => _keys.Count > 0;

    public VerificationKey? Find(string keyId) => _keys.GetValueOrDefault(keyId);

    public ValueTask EnsureKnownAsync(string keyId, CancellationToken cancellationToken) =>
        _keys.ContainsKey(keyId) ? ValueTask.CompletedTask : new ValueTask(RefreshOnDemandAsync(cancellationToken));

    /// <summary>Fetches the key set; true when it was fetched and understood.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var json = await httpClients.CreateClient(HttpClientName).GetStringAsync("/.well-known/jwks.json", cancellationToken);
            // Each key is pinned to the algorithm it is published with (ES256 for EC P-256, RS256 for RSA).
            var keys = new JsonWebKeySet(json).Keys
                .Where(k => k.Use == "sig" && !string.IsNullOrEmpty(k.Kid) && JwtOptions.IsSupportedKey(k.Kty, k.Alg, k.Crv))
                .ToFrozenDictionary(k => k.Kid, k => new VerificationKey(k, k.Alg));
            _keys = keys;
            LogRefreshed(logger, keys.Count);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ArgumentException or Polly.Timeout.TimeoutRejectedException)
        {
            LogRefreshFailed(logger, ex);
            return false;
        }
    }

    public TimeSpan RefreshInterval => options.Value.RefreshInterval;

    // Concurrent requests with the same new kid share one fetch; after it, no other on-demand fetch for a while.
    private async Task RefreshOnDemandAsync(CancellationToken cancellationToken)
    {
        Task? refresh;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_onDemand is null or { IsCompleted: true } && now - _lastOnDemand >= options.Value.MinimumRefreshInterval)
            {
                _lastOnDemand = now;
                _onDemand = RefreshAsync(CancellationToken.None);
            }

            refresh = _onDemand;
        }

        if (refresh is { IsCompleted: false })
        {
            try
            {
                await refresh.WaitAsync(OnDemandWait, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Answer with what we have; the fetch finishes in the background.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched {Count} signing key(s) from Memo.Auth.")]
    private static partial void LogRefreshed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch the signing keys from Memo.Auth; keeping the ones held.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
