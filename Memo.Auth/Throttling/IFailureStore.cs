namespace Memo.Auth.Throttling;

/// <summary>
/// Where <see cref="LoginThrottle"/> keeps its counters: Redis, shared by every Auth instance, or this instance's memory
/// while Redis is unreachable. Each operation is atomic, so concurrent attempts cannot slip through one opening.
/// </summary>
public interface IFailureStore
{
    /// <summary>The failures counted under <paramref name="key"/>, or null when none are remembered.</summary>
    Task<Failures?> GetAsync(string key);

    /// <summary>
    /// Counts one more failure at <paramref name="now"/>, remembered for <paramref name="keep"/>, if the key still holds
    /// <paramref name="seenCount"/> failures; false when another attempt counted first (read again and decide again).
    /// </summary>
    Task<bool> TryCountAsync(string key, int seenCount, DateTimeOffset now, TimeSpan keep);

    Task ForgetAsync(string key);

    /// <summary>Counts an attempt in a fixed window that the first one starts: the attempts so far, and when the window ends.</summary>
    Task<(long Attempts, TimeSpan ResetsIn)> CountInWindowAsync(string key, TimeSpan window);

    /// <summary>Takes back an attempt counted in the window (it succeeded, or it was refused before being tried).</summary>
    Task UncountInWindowAsync(string key);
}
