using Memo.Auth.PeriodicWork;

using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Memo.Tests.PeriodicWork;

/// <summary>The runner alone, with a clock the test moves: when work is due, and that it never runs twice at once.</summary>
public sealed class PeriodicWorkRunnerTests
{
    private readonly ManualClock _clock = new();
    private readonly CountingWork _beforeRequests = new(TimeSpan.FromSeconds(10), runsBeforeRequests: true);
    private readonly CountingWork _alongside = new(TimeSpan.FromSeconds(1), runsBeforeRequests: false);
    private readonly PeriodicWorkRunner _runner;

    public PeriodicWorkRunnerTests() =>
        _runner = new PeriodicWorkRunner([_beforeRequests, _alongside], _clock, new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance),
            NullLogger<PeriodicWorkRunner>.Instance);

    [Fact]
    public async Task Work_runs_when_first_asked_then_again_only_once_its_interval_has_passed()
    {
        await _runner.RunDueAsync(runsBeforeRequests: true);
        await _runner.RunDueAsync(runsBeforeRequests: true);
        Assert.Equal(1, _beforeRequests.Runs);

        _clock.Advance(TimeSpan.FromSeconds(9));
        await _runner.RunDueAsync(runsBeforeRequests: true);
        Assert.Equal(1, _beforeRequests.Runs);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await _runner.RunDueAsync(runsBeforeRequests: true);
        Assert.Equal(2, _beforeRequests.Runs);
    }

    [Fact]
    public async Task Only_work_of_the_kind_asked_for_runs()
    {
        await _runner.RunDueAsync(runsBeforeRequests: false);
        Assert.Equal((0, 1), (_beforeRequests.Runs, _alongside.Runs));
    }

    [Fact]
    public async Task Work_under_way_is_joined_not_started_again_even_when_due()
    {
        _alongside.Hold();
        var first = _runner.RunDueAsync(runsBeforeRequests: false);
        await _alongside.Started;
        _clock.Advance(TimeSpan.FromMinutes(5));
        var second = _runner.RunDueAsync(runsBeforeRequests: false);
        Assert.False(second.IsCompleted);

        _alongside.Release();
        await Task.WhenAll(first, second);
        Assert.Equal(1, _alongside.Runs);
    }

    [Fact]
    public async Task Work_run_now_follows_the_run_under_way_and_looks_again()
    {
        _alongside.Hold();
        var underWay = _runner.RunDueAsync(runsBeforeRequests: false);
        await _alongside.Started;
        var now = _runner.RunNowAsync(_alongside);
        var joined = _runner.RunDueAsync(runsBeforeRequests: false);
        Assert.False(now.IsCompleted);

        _alongside.Release();
        await Task.WhenAll(underWay, now, joined);
        Assert.Equal((2, 1), (_alongside.Runs, _alongside.MostAtOnce));
    }

    [Fact]
    public async Task A_failed_run_does_not_fail_the_caller_and_the_next_due_run_retries()
    {
        _alongside.FailNext();
        await _runner.RunDueAsync(runsBeforeRequests: false);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _runner.RunDueAsync(runsBeforeRequests: false);
        Assert.Equal(2, _alongside.Runs);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private sealed class CountingWork(TimeSpan interval, bool runsBeforeRequests) : IPeriodicWork
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();
        private TaskCompletionSource? _hold;
        private bool _fail;
        private int _runs;
        private int _running;
        private int _mostAtOnce;

        public TimeSpan Interval => interval;

        public bool RunsBeforeRequests => runsBeforeRequests;

        public int Runs => _runs;

        public int MostAtOnce => _mostAtOnce;

        public Task Started => _started.Task;

        public void Hold() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _hold!.SetResult();

        public void FailNext() => _fail = true;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _runs);
            lock (_gate)
            {
                _mostAtOnce = Math.Max(_mostAtOnce, ++_running);
            }

            _started.TrySetResult();
            try
            {
                if (_hold is not null)
                {
                    await _hold.Task;
                }

                if (_fail)
                {
                    _fail = false;
                    throw new InvalidOperationException("A run that fails.");
                }
            }
            finally
            {
                lock (_gate)
                {
                    _running--;
                }
            }
        }
    }
}
