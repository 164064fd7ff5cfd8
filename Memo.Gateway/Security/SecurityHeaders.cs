namespace Memo.Gateway.Security;

/// <summary>
/// <c>X-Content-Type-Options: nosniff</c> and <c>Referrer-Policy: no-referrer</c> on every response, the services' and
/// the gateway's own problems included (set as the response starts, after anything that clears headers), and HSTS
/// outside Development. HSTS goes only on HTTPS requests: behind a TLS-terminating load balancer, the scheme comes from
/// its X-Forwarded-Proto once it is a trusted proxy (ForwardedHeaders:KnownNetworks).
/// </summary>
public static class SecurityHeaders
{
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpResponse)state).Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                return Task.CompletedTask;
            }, context.Response);
            return next(context);
        });

        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        return app;
    }
}
