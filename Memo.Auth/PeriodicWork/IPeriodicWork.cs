namespace Memo.Auth.PeriodicWork;

/// <summary>
/// Work an Auth instance repeats on an interval, such as rereading the signing keys. How it is triggered depends on
/// where Auth runs (<see cref="PeriodicWorkOptions.Trigger"/>): a timer in a long-running process, or the requests
/// themselves on AWS Lambda, where the process is frozen between invocations and a timer would not fire.
/// </summary>
public interface IPeriodicWork
{
    TimeSpan Interval { get; }

    /// <summary>
    /// True when a request must not be served from a result older than <see cref="Interval"/> (it waits for a due run);
    /// false when a due run can go alongside the request.
    /// </summary>
    bool RunsBeforeRequests { get; }

    /// <summary>One run. Failures it expects (a dependency down) it logs itself; the next run retries.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
