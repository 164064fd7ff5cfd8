using Memo.Auth.Throttling;

using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Memo.Tests.Throttling;

/// <summary>The store each Auth instance falls back to while Redis is unreachable (the Redis store is exercised through HTTP).</summary>
public sealed class MemoryFailureStoreTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly MemoryFailureStore _store;

    public MemoryFailureStoreTests() => _store = new(_time, Options.Create(new LoginThrottleOptions()));

    [Fact]
    public async Task A_count_succeeds_only_against_the_count_it_saw()
    {
        Assert.True(await _store.TryCountAsync("k", 0, _time.GetUtcNow(), TimeSpan.FromHours(1)));
        Assert.False(await _store.TryCountAsync("k", 0, _time.GetUtcNow(), TimeSpan.FromHours(1)));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await _store.TryCountAsync("k", 1, _time.GetUtcNow(), TimeSpan.FromHours(1)));

        Assert.Equal(new Failures(2, _time.GetUtcNow()), await _store.GetAsync("k"));
    }

    [Fact]
    public async Task Failures_are_forgotten_when_they_expire_or_are_forgotten()
    {
        await _store.TryCountAsync("expires", 0, _time.GetUtcNow(), TimeSpan.FromMinutes(1));
        await _store.TryCountAsync("forgotten", 0, _time.GetUtcNow(), TimeSpan.FromMinutes(1));
        await _store.ForgetAsync("forgotten");
        Assert.Null(await _store.GetAsync("forgotten"));
        Assert.NotNull(await _store.GetAsync("expires"));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await _store.GetAsync("expires"));
    }

    [Fact]
    public async Task A_window_starts_with_its_first_attempt_counts_and_takes_back_and_ends()
    {
        Assert.Equal((1L, TimeSpan.FromMinutes(15)), await _store.CountInWindowAsync("a", TimeSpan.FromMinutes(15)));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal((2L, TimeSpan.FromMinutes(10)), await _store.CountInWindowAsync("a", TimeSpan.FromMinutes(15)));
        await _store.UncountInWindowAsync("a");
        Assert.Equal((2L, TimeSpan.FromMinutes(10)), await _store.CountInWindowAsync("a", TimeSpan.FromMinutes(15)));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal((1L, TimeSpan.FromMinutes(15)), await _store.CountInWindowAsync("a", TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public async Task Concurrent_counts_against_one_seen_count_let_exactly_one_through()
    {
        var wins = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ =>
            Task.Run(() => _store.TryCountAsync("race", 0, _time.GetUtcNow(), TimeSpan.FromHours(1)))));

        Assert.Single(wins, won => won);
        Assert.Equal(1, (await _store.GetAsync("race"))!.Value.Count);
    }

    public void Dispose() => _store.Dispose();
}
