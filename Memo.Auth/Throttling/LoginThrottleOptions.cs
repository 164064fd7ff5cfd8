using System.ComponentModel.DataAnnotations;

namespace Memo.Auth.Throttling;

/// <summary>Section <c>LoginThrottle</c>: how failed sign-ins slow further attempts (the table in README, "Login throttling").</summary>
public sealed class LoginThrottleOptions : IValidatableObject
{
    public const string SectionName = "LoginThrottle";

    /// <summary>Failures of an account (or of a known device) that cost no wait.</summary>
    [Range(0, 100)]
    public int FreeFailures { get; set; } = 3;

    /// <summary>The wait after the first failure beyond the free ones; it doubles with each further failure.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan BaseWait { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait: however many failures, the owner is never kept out longer than this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures are forgotten this long after the last one (Keycloak's "failure reset time").</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan ResetAfter { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Higher than per account: many people can share one address (an office, a NAT).</summary>
    [Range(1, 100_000)]
    public int MaxFailuresPerAddress { get; set; } = 50;

    /// <summary>The window the address counter starts with its first failure.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AddressWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a device token, returned by each successful login, lets its device skip the account's waits.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "400.00:00:00")]
    public TimeSpan DeviceTokenLifetime { get; set; } = TimeSpan.FromDays(180);

    /// <summary>Counters each instance keeps in memory while Redis is unreachable; beyond this, the least recently used are forgotten.</summary>
    [Range(1_000, 10_000_000)]
    public int FallbackCapacity { get; set; } = 100_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxWait < BaseWait)
        {
            yield return new ValidationResult($"{nameof(MaxWait)} must not be shorter than {nameof(BaseWait)}.", [nameof(MaxWait)]);
        }

        if (ResetAfter < MaxWait)
        {
            yield return new ValidationResult($"{nameof(ResetAfter)} must not be shorter than {nameof(MaxWait)}.", [nameof(ResetAfter)]);
        }
    }
}
