using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Net.Http.Headers;

using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Memo.Gateway.Caching;

/// <summary>
/// Output caching for what a service publishes for everyone (Auth's <c>/.well-known/jwks.json</c> and
/// <c>/.well-known/openid-configuration</c>), so a burst of key fetches reaches Auth about once per cache lifetime:
/// GET and HEAD only; concurrent misses wait for the first one (locking); the entry varies by scheme and host, because
/// the discovery document names the key set's URL from them. A request cannot bypass the cache (its own Cache-Control,
/// Pragma or Authorization headers are ignored: the responses are the same for everyone). Only a 200 that the service
/// marks <c>Cache-Control: public, max-age=N</c>, without cookies, is stored, and for no longer than N seconds (less its Age).
/// </summary>
/// <remarks>
/// The output cache fixes an entry's lifetime when the body starts, before the policy's <c>ServeResponseAsync</c>
/// runs, so the service's headers are judged earlier, by a YARP response transform (<see cref="JudgeServiceResponse"/>),
/// as soon as they arrive.
/// </remarks>
public sealed class PublicResponseCachePolicy : IOutputCachePolicy
{
    public const string Name = "public-responses";

    /// <summary>The response transform that decides, from the service's status and headers, whether and how long to cache.</summary>
    public static void JudgeServiceResponse(TransformBuilderContext context)
    {
        if (context.Route.OutputCachePolicy != Name)
        {
            return;
        }

        context.AddResponseTransform(static transform =>
        {
            if (transform.HttpContext.Features.Get<IOutputCacheFeature>()?.Context is { } cache)
            {
                var lifetime = PublicLifetime(transform.HttpContext.Response);
                cache.AllowCacheStorage = cache.AllowCacheStorage && lifetime is not null;
                cache.ResponseExpirationTimeSpan = lifetime;
            }

            return ValueTask.CompletedTask;
        });
    }

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var request = context.HttpContext.Request;
        var readOnly = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = readOnly;
        context.AllowCacheStorage = readOnly;
        context.AllowLocking = true;
        context.CacheVaryByRules.VaryByHost = true;
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        // Only what the service's headers allowed: never the gateway's own answers (a 502 problem when Auth is down).
        if (context.ResponseExpirationTimeSpan is null)
        {
            context.AllowCacheStorage = false;
        }

        return ValueTask.CompletedTask;
    }

    private static TimeSpan? PublicLifetime(HttpResponse response)
    {
        if (response.StatusCode != StatusCodes.Status200OK
            || response.Headers.SetCookie.Count > 0
            || !CacheControlHeaderValue.TryParse(response.Headers.CacheControl.ToString(), out var cacheControl)
            || !cacheControl.Public || cacheControl.Private || cacheControl.NoStore || cacheControl.NoCache
            || cacheControl.MaxAge is not { } maxAge)
        {
            return null;
        }

        var age = long.TryParse(response.Headers.Age, out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
        return maxAge > age ? maxAge - age : null;
    }
}
