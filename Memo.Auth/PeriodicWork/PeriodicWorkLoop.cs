using Microsoft.Extensions.Options;

namespace Memo.Auth.PeriodicWork;

/// <summary>With the <see cref="PeriodicWorkTrigger.Timer"/> trigger: runs each item at once, then every interval.</summary>
public sealed class PeriodicWorkLoop(PeriodicWorkRunner runner, TimeProvider time, IOptions<PeriodicWorkOptions> options) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Trigger == PeriodicWorkTrigger.Timer
            ? Task.WhenAll(runner.Work.Select(work => RunOnTimerAsync(work, stoppingToken)))
            : Task.CompletedTask;

    private async Task RunOnTimerAsync(IPeriodicWork work, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(work.Interval, time);
        do
        {
            await runner.RunNowAsync(work);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
