using Memo.Auth.PeriodicWork;

namespace Memo.Auth.Keys;

/// <summary>
/// Rereads the signing keys, so a rotation made by any replica or by the rotate command reaches this one. Requests wait
/// for a due reload: a process frozen for long (on AWS Lambda) would otherwise sign with a key already retired.
/// </summary>
public sealed partial class SigningKeyReloader(SigningKeyStore keys, ILogger<SigningKeyReloader> logger) : IPeriodicWork
{
    public TimeSpan Interval => keys.ReloadInterval;

    public bool RunsBeforeRequests => true;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await keys.ReloadAsync(cancellationToken);
        }
        catch (Npgsql.NpgsqlException ex)
        {
            // The keys already loaded keep working.
            LogReloadFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reload the signing keys.")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
