namespace Memo.Auth.Keys;

/// <summary>Rereads the signing keys periodically, so a rotation made by any replica or by the rotate command reaches this one.</summary>
public sealed partial class SigningKeyReloader(SigningKeyStore keys, TimeProvider time, ILogger<SigningKeyReloader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(keys.ReloadInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await keys.ReloadAsync(stoppingToken);
            }
            catch (Npgsql.NpgsqlException ex)
            {
                // The keys already loaded keep working.
                LogReloadFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reload the signing keys.")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
