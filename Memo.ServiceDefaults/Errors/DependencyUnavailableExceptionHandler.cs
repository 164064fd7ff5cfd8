using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

using Npgsql;

using StackExchange.Redis;

namespace Memo.ServiceDefaults.Errors;

/// <summary>
/// Turns failures that are not the client's fault and not a bug into the right problem details:
/// an unreachable database or cache is a 503 the client may retry; a request Kestrel rejected keeps its status (413, 400).
/// Everything else falls through to the default 500.
/// </summary>
public sealed partial class DependencyUnavailableExceptionHandler(
    IProblemDetailsService problemDetails,
    ILogger<DependencyUnavailableExceptionHandler> logger) : IExceptionHandler
{
    private const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        string title;
        if (exception is BadHttpRequestException badRequest)
        {
            status = badRequest.StatusCode;
            title = status == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request is malformed.";
        }
        else if (IsDependencyOutage(exception))
        {
            LogDependencyUnavailable(logger, exception);
            status = StatusCodes.Status503ServiceUnavailable;
            title = "A service this request depends on is unavailable. Try again shortly.";
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            return false;
        }

        context.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title },
        });
    }

    // A PostgresException is usually the server answering (a constraint, a bad query): a bug, not an outage,
    // unless it is one of the transient states such as "the database system is shutting down".
    private static bool IsDependencyOutage(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient,
        NpgsqlException => true,
        RedisConnectionException or RedisTimeoutException => true,
        TimeoutException => true,
        _ => exception.InnerException is { } inner && IsDependencyOutage(inner),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "A dependency is unavailable; answering 503.")]
    private static partial void LogDependencyUnavailable(ILogger logger, Exception exception);
}
