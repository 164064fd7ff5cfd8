using Microsoft.AspNetCore.Http.Timeouts;

using Yarp.ReverseProxy.Forwarder;

namespace Memo.Gateway.Errors;

/// <summary>
/// A step of the proxy pipeline: when YARP could not forward a request or relay its answer, it sets a status and writes
/// no body; this writes the problem details. A service that is down or refuses connections is 502 at once; one that
/// does not answer within the route's timeout is 504; a body over the route's limit is 413. Nothing is retried: YARP's
/// client is not the resilient HttpClient of the services, and a retried POST could run twice.
/// </summary>
public static class ForwarderProblems
{
    public static async Task WriteAsync(HttpContext context, Func<Task> next)
    {
        await next();
        if (context.GetForwarderErrorFeature() is not { } failure || context.Response.HasStarted)
        {
            return;
        }

        // The route's timeout cancels the request: YARP reports that as a cancellation, with a 400.
        var timedOut = context.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true;
        if (!timedOut && failure.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled)
        {
            return; // the client went away: nobody to answer
        }

        var (status, title) = timedOut
            ? (StatusCodes.Status504GatewayTimeout, "The service did not answer in time.")
            : context.Response.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => (StatusCodes.Status413PayloadTooLarge, "The request body is too large."),
                StatusCodes.Status400BadRequest or StatusCodes.Status408RequestTimeout => (context.Response.StatusCode, "The request body could not be read."),
                StatusCodes.Status503ServiceUnavailable => (StatusCodes.Status503ServiceUnavailable, "The service is unavailable. Try again shortly."),
                StatusCodes.Status504GatewayTimeout => (StatusCodes.Status504GatewayTimeout, "The service did not answer in time."),
                _ => (StatusCodes.Status502BadGateway, "The service could not be reached. Try again shortly."),
            };

        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title },
        });
    }
}
