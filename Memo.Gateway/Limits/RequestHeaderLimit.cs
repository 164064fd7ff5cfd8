using Microsoft.AspNetCore.Server.Kestrel.Core;

using Microsoft.Extensions.Options;

namespace Memo.Gateway.Limits;

/// <summary>
/// Requests whose headers together exceed <see cref="GatewayOptions.MaxRequestHeadersTotalSize"/> get 431 problem details.
/// Kestrel could enforce the limit itself, but its 431 has no body; it keeps a higher ceiling (twice this) for what is
/// too big even to read.
/// </summary>
public static class RequestHeaderLimit
{
    public static void ConfigureKestrelCeiling(IServiceCollection services) =>
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<GatewayOptions>>((kestrel, gateway) =>
            kestrel.Limits.MaxRequestHeadersTotalSize = 2 * gateway.Value.MaxRequestHeadersTotalSize);

    public static IApplicationBuilder UseRequestHeaderLimit(this IApplicationBuilder app)
    {
        var limit = app.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value.MaxRequestHeadersTotalSize;
        return app.Use(async (context, next) =>
        {
            long size = 0;
            foreach (var (name, values) in context.Request.Headers)
            {
                size += name.Length;
                foreach (var value in values)
                {
                    size += value?.Length ?? 0;
                }
            }

            if (size <= limit)
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status431RequestHeaderFieldsTooLarge;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = StatusCodes.Status431RequestHeaderFieldsTooLarge, Title = "The request headers are too large." },
            });
        });
    }
}
