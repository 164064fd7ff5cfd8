namespace Memo.Auth.PeriodicWork;

/// <summary>
/// Runs the <see cref="IPeriodicWork"/> items: never one item twice at once, when due only when its last run started at
/// least an interval ago, and at once when asked (<see cref="RunNowAsync"/>). A run that fails unexpectedly is logged;
/// the next one retries.
/// </summary>
public sealed partial class PeriodicWorkRunner(
    IEnumerable<IPeriodicWork> work, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<PeriodicWorkRunner> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPeriodicWork, Slot> _slots = work.ToDictionary(w => w, _ => new Slot());

    public IReadOnlyCollection<IPeriodicWork> Work => _slots.Keys;

    /// <summary>
    /// Starts each item of one kind (<see cref="IPeriodicWork.RunsBeforeRequests"/>) that is due; completes when those
    /// runs, and any of that kind already under way, have finished.
    /// </summary>
    public Task RunDueAsync(bool runsBeforeRequests)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return Task.WhenAll(_slots
                .Where(s => s.Key.RunsBeforeRequests == runsBeforeRequests)
                .Select(s => s.Value.Running is { IsCompleted: false } running ? running
                    : now - s.Value.StartedAt >= s.Key.Interval ? Start(s.Key, s.Value, now, after: Task.CompletedTask)
                    : Task.CompletedTask)
                .ToList());
        }
    }

    /// <summary>
    /// Runs <paramref name="item"/> now, or right after the run under way: that one may have looked before the caller's
    /// change (an outbox event just committed), this one looks again.
    /// </summary>
    public Task RunNowAsync(IPeriodicWork item)
    {
        lock (_gate)
        {
            var slot = _slots[item];
            return Start(item, slot, time.GetUtcNow(), after: slot.Running ?? Task.CompletedTask);
        }
    }

    private Task Start(IPeriodicWork item, Slot slot, DateTimeOffset now, Task after)
    {
        slot.StartedAt = now;
        // On the thread pool: the caller (a request) goes on while it runs, and the lock is not held meanwhile. A run
        // never fails (RunGuardedAsync logs), so awaiting the one before it cannot throw.
        slot.Running = Task.Run(async () =>
        {
            await after;
            await RunGuardedAsync(item);
        });
        return slot.Running;
    }

    private async Task RunGuardedAsync(IPeriodicWork item)
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            await item.RunAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            LogFailed(logger, item.GetType().Name, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Periodic work {Work} failed; it runs again at its next interval.")]
    private static partial void LogFailed(ILogger logger, string work, Exception exception);

    private sealed class Slot
    {
        public DateTimeOffset StartedAt { get; set; } = DateTimeOffset.MinValue;

        public Task? Running { get; set; }
    }
}
