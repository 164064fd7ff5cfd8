using System.Globalization;

using Microsoft.Extensions.Options;

namespace Memo.Auth.Throttling;

/// <summary>The failures counted under one key, and when the last of them happened.</summary>
public readonly record struct Failures(int Count, DateTimeOffset Last);

/// <summary>
/// How long an account (or a known device) must wait after its failures, as Keycloak's brute-force detection does: the
/// first few are free, each further one doubles the wait from a base up to a cap. Pure, so it is tested without servers.
/// </summary>
public sealed class ThrottlePolicy(IOptions<LoginThrottleOptions> options)
{
    /// <summary>The wait imposed by the <paramref name="failures"/>-th failure.</summary>
    public TimeSpan WaitAfter(int failures)
    {
        var limits = options.Value;
        var beyondFree = failures - limits.FreeFailures;
        if (beyondFree <= 0)
        {
            return TimeSpan.Zero;
        }

        // The options keep MaxWait / BaseWait under 2^17 (one day over one second): more doublings only overflow.
        var doublings = Math.Min(beyondFree - 1, 20);
        var wait = limits.BaseWait * Math.Pow(2, doublings);
        return wait < limits.MaxWait ? wait : limits.MaxWait;
    }

    /// <summary>How long a key with these failures must still wait at <paramref name="now"/>; zero when it may try.</summary>
    public TimeSpan RetryAfter(Failures? failures, DateTimeOffset now)
    {
        if (failures is not { } counted)
        {
            return TimeSpan.Zero;
        }

        var left = counted.Last + WaitAfter(counted.Count) - now;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>Whether this many attempts in an address's window are more than it may make.</summary>
    public bool IsOverAddressLimit(long attempts) => attempts > options.Value.MaxFailuresPerAddress;

    public TimeSpan ResetAfter => options.Value.ResetAfter;

    public TimeSpan AddressWindow => options.Value.AddressWindow;

    /// <summary>The policy in words, with this deployment's settings, for the login endpoint's OpenAPI description.</summary>
    public string Describe()
    {
        var limits = options.Value;
        return string.Create(CultureInfo.InvariantCulture, $"""
            Failed logins are throttled, without lockouts. Per account: the first {limits.FreeFailures} failures are free; each further failure imposes a wait of {Format(limits.BaseWait)}, doubling with each failure up to {Format(limits.MaxWait)}. While a wait lasts the password is not checked and the answer is 429 with Retry-After (seconds until the wait ends). A successful login forgets the account's failures; failures are also forgotten {Format(limits.ResetAfter)} after the last one.

            Each successful login returns a device_token (valid {Format(limits.DeviceTokenLifetime)}). A later login of the same account that sends it back as device_token is throttled on that device's own failures only (same waits), so failures made elsewhere never keep a known device out; its success forgets the device's failures, not the account's.

            Per client address: at most {limits.MaxFailuresPerAddress} failed logins per {Format(limits.AddressWindow)}, across accounts.
            """);
    }

    private static string Format(TimeSpan span) => span switch
    {
        { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min"),
        { TotalDays: < 2 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:0.#} days"),
    };
}
