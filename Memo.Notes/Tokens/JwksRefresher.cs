namespace Memo.Notes.Tokens;

/// <summary>Fetches the keys at start (retrying every second until Auth answers), then on a slow schedule.</summary>
public sealed class JwksRefresher(JwksKeySource keys, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!await keys.RefreshAsync(stoppingToken))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
        }

        using var timer = new PeriodicTimer(keys.RefreshInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await keys.RefreshAsync(stoppingToken);
        }
    }
}
