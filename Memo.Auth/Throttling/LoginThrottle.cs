using System.Net;
using System.Security.Cryptography;
using System.Text;

using StackExchange.Redis;

namespace Memo.Auth.Throttling;

/// <summary>
/// Who is proving they know a password: the account (its normalized email, whether or not it exists), the client
/// address, and the device, when the request carried a valid device token of this account (<see cref="DeviceTokens.DeviceOf"/>).
/// </summary>
public sealed record SignIn(string NormalizedEmail, IPAddress? Address, string? Device);

/// <summary>An attempt begun by <see cref="LoginThrottle.BeginAsync"/>: refused with a wait, or counted and allowed.</summary>
public sealed record SignInAttempt(TimeSpan? RetryAfter, IFailureStore Store, string FailureKey, string AddressKey);

/// <summary>
/// Slows password guessing without handing attackers a lockout (the table in README, "Login throttling"). An attempt is
/// counted as a failure when it begins, before the password is checked, so that concurrent guesses cannot all slip
/// through one opening; a success takes it back. Counted, per attempt:
/// <list type="bullet">
/// <item>the account, or instead the device when the request carries a valid device token: waits that grow with each
/// failure beyond the free ones (<see cref="ThrottlePolicy"/>). A device that signed in before is never kept out by
/// failures made elsewhere;</item>
/// <item>the client address: at most a number of failures per window, across accounts (password spraying).</item>
/// </list>
/// The counters live in Redis, shared by every Auth instance; while Redis is unreachable each instance counts in its
/// own bounded memory instead, never not at all.
/// </summary>
/// <remarks>
/// Every endpoint that checks a password calls <see cref="BeginAsync"/> first and answers 429 with the wait it returns,
/// and <see cref="SucceededAsync"/> when the password was right: a wrong one needs no further call.
/// </remarks>
public sealed partial class LoginThrottle(
    RedisFailureStore shared, MemoryFailureStore fallback, ThrottlePolicy policy, TimeProvider time, ILogger<LoginThrottle> logger)
{
    // 1 while this instance counts in memory: the switch is logged when it happens, not on every request.
    private int _usingFallback;

    public async Task<SignInAttempt> BeginAsync(SignIn signIn)
    {
        var failureKey = signIn.Device is { } device
            ? "memo:login-throttle:device:" + device
            // Hashed so that Redis never holds email addresses.
            : "memo:login-throttle:account:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(signIn.NormalizedEmail)));
        var addressKey = "memo:login-throttle:address:" + (signIn.Address?.ToString() ?? "unknown");
        if (shared.IsConnected)
        {
            try
            {
                var attempt = await BeginAsync(shared, failureKey, addressKey);
                UseShared();
                return attempt;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                UseFallback(ex);
            }
        }
        else
        {
            UseFallback(null);
        }

        return await BeginAsync(fallback, failureKey, addressKey);
    }

    /// <summary>The password was right: forgets the account's (or the device's) failures and takes the attempt back from the address.</summary>
    public async Task SucceededAsync(SignInAttempt attempt)
    {
        try
        {
            await Task.WhenAll(attempt.Store.ForgetAsync(attempt.FailureKey), attempt.Store.UncountInWindowAsync(attempt.AddressKey));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis went away since the attempt began: its counts stay until they expire.
            UseFallback(ex);
        }
    }

    private async Task<SignInAttempt> BeginAsync(IFailureStore store, string failureKey, string addressKey)
    {
        var (attempts, resetsIn) = await store.CountInWindowAsync(addressKey, policy.AddressWindow);
        if (policy.IsOverAddressLimit(attempts))
        {
            await store.UncountInWindowAsync(addressKey);
            return new SignInAttempt(resetsIn, store, failureKey, addressKey);
        }

        // Read, decide, count if nobody counted meanwhile; else read again. Each round one attempt wins, and once the
        // free failures are spent the winner's count makes the others wait, so this ends within a few rounds.
        while (true)
        {
            var now = time.GetUtcNow();
            var seen = await store.GetAsync(failureKey);
            var wait = policy.RetryAfter(seen, now);
            if (wait > TimeSpan.Zero)
            {
                await store.UncountInWindowAsync(addressKey);
                return new SignInAttempt(wait, store, failureKey, addressKey);
            }

            if (await store.TryCountAsync(failureKey, seen?.Count ?? 0, now, policy.ResetAfter))
            {
                return new SignInAttempt(null, store, failureKey, addressKey);
            }
        }
    }

    private void UseShared()
    {
        if (Interlocked.Exchange(ref _usingFallback, 0) == 1)
        {
            LogShared(logger);
        }
    }

    private void UseFallback(Exception? exception)
    {
        if (Interlocked.Exchange(ref _usingFallback, 1) == 0)
        {
            LogFallback(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unreachable; login throttling counts in this instance's memory until it returns.")]
    private static partial void LogFallback(ILogger logger, Exception? exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is reachable again; login throttling is shared by every instance again.")]
    private static partial void LogShared(ILogger logger);
}
