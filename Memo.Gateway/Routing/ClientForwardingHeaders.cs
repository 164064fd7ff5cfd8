using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Memo.Gateway.Routing;

/// <summary>
/// Whatever a client claims about its own address, scheme or host never reaches a service: <c>Forwarded</c>,
/// <c>X-Real-IP</c>, every <c>X-Forwarded-*</c> and the <c>X-Original-*</c> the forwarded-headers middleware leaves behind
/// are dropped. YARP's default transforms, which run after this one, then set <c>X-Forwarded-For</c>, <c>-Proto</c> and
/// <c>-Host</c> from the connection (action Set: replace, never append), so a service behind the gateway sees the real client.
/// </summary>
public static class ClientForwardingHeaders
{
    public static void Drop(TransformBuilderContext context) => context.AddRequestTransform(static transform =>
    {
        foreach (var (name, _) in transform.HttpContext.Request.Headers)
        {
            if (name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("X-Original-", StringComparison.OrdinalIgnoreCase)
                || name.Equals("X-Real-IP", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Forwarded", StringComparison.OrdinalIgnoreCase))
            {
                RequestTransform.RemoveHeader(transform, name);
            }
        }

        return ValueTask.CompletedTask;
    });
}
