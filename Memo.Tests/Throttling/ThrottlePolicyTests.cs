using Memo.Auth.Throttling;

using Microsoft.Extensions.Options;

namespace Memo.Tests.Throttling;

public sealed class ThrottlePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ThrottlePolicy _policy = new(Options.Create(new LoginThrottleOptions
    {
        FreeFailures = 3,
        BaseWait = TimeSpan.FromMinutes(1),
        MaxWait = TimeSpan.FromMinutes(15),
    }));

    [Fact]
    public void The_free_failures_cost_no_wait_then_each_further_one_doubles_it_up_to_the_cap()
    {
        var waits = Enumerable.Range(0, 10).Select(n => _policy.WaitAfter(n).TotalMinutes);

        Assert.Equal([0, 0, 0, 0, 1, 2, 4, 8, 15, 15], waits);
    }

    [Fact]
    public void The_cap_holds_for_any_number_of_failures()
    {
        Assert.Equal(TimeSpan.FromMinutes(15), _policy.WaitAfter(int.MaxValue));
    }

    [Fact]
    public void The_wait_runs_from_the_last_failure_and_is_zero_once_over_or_without_failures()
    {
        var fifth = new Failures(5, Now);

        Assert.Equal(TimeSpan.FromMinutes(2), _policy.RetryAfter(fifth, Now));
        Assert.Equal(TimeSpan.FromSeconds(30), _policy.RetryAfter(fifth, Now + TimeSpan.FromSeconds(90)));
        Assert.Equal(TimeSpan.Zero, _policy.RetryAfter(fifth, Now + TimeSpan.FromMinutes(2)));
        Assert.Equal(TimeSpan.Zero, _policy.RetryAfter(new Failures(3, Now), Now));
        Assert.Equal(TimeSpan.Zero, _policy.RetryAfter(null, Now));
    }

    [Fact]
    public void The_address_limit_allows_its_number_of_attempts_and_no_more()
    {
        var policy = new ThrottlePolicy(Options.Create(new LoginThrottleOptions { MaxFailuresPerAddress = 50 }));

        Assert.False(policy.IsOverAddressLimit(50));
        Assert.True(policy.IsOverAddressLimit(51));
    }

    [Theory]
    [InlineData("00:01:00", "00:00:30", "12:00:00")] // a cap below the base
    [InlineData("00:01:00", "00:15:00", "00:10:00")] // failures forgotten before the longest wait ends
    public void Inconsistent_settings_are_refused(string baseWait, string maxWait, string resetAfter)
    {
        var options = new LoginThrottleOptions { BaseWait = TimeSpan.Parse(baseWait), MaxWait = TimeSpan.Parse(maxWait), ResetAfter = TimeSpan.Parse(resetAfter) };

        Assert.NotEmpty(options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)));
    }

    [Fact]
    public void The_description_states_this_deployments_settings()
    {
        var description = _policy.Describe();

        Assert.Contains("first 3 failures are free", description, StringComparison.Ordinal);
        Assert.Contains("1 min", description, StringComparison.Ordinal);
        Assert.Contains("up to 15 min", description, StringComparison.Ordinal);
        Assert.Contains("device_token", description, StringComparison.Ordinal);
    }
}
