using Microsoft.Extensions.Options;

namespace Memo.Auth.PeriodicWork;

public static class PeriodicWorkExtensions
{
    /// <summary>The runner and its triggers; add the work items with <see cref="AddPeriodicWork{TWork}"/>.</summary>
    public static IServiceCollection AddPeriodicWorkRunner(this IServiceCollection services)
    {
        services.AddValidatedOptions<PeriodicWorkOptions>(PeriodicWorkOptions.SectionName);
        services.AddSingleton<PeriodicWorkRunner>();
        return services.AddHostedService<PeriodicWorkLoop>();
    }

    public static IServiceCollection AddPeriodicWork<TWork>(this IServiceCollection services) where TWork : class, IPeriodicWork =>
        services.AddSingleton<IPeriodicWork, TWork>();

    /// <summary>
    /// With the <see cref="PeriodicWorkTrigger.Requests"/> trigger: every request first runs the due work that must
    /// precede it and starts the rest alongside, and finishes only when that is done too (once the response is complete
    /// the host may freeze the process). <c>POST /maintenance</c> runs the due work for a schedule.
    /// </summary>
    public static WebApplication UsePeriodicWork(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<PeriodicWorkOptions>>().Value.Trigger != PeriodicWorkTrigger.Requests)
        {
            return app;
        }

        var runner = app.Services.GetRequiredService<PeriodicWorkRunner>();
        app.Use(async (context, next) =>
        {
            await runner.RunDueAsync(runsBeforeRequests: true);
            var alongside = runner.RunDueAsync(runsBeforeRequests: false);
            try
            {
                await next(context);
            }
            finally
            {
                await alongside;
            }
        });

        // Reached only through the host (on AWS Lambda, the Web Adapter forwards the schedule's events here; the API
        // Gateway routes only /auth and /.well-known). Anyone reaching it could do no more than a request does.
        app.MapPost("/maintenance", async () =>
        {
            await Task.WhenAll(runner.RunDueAsync(runsBeforeRequests: true), runner.RunDueAsync(runsBeforeRequests: false));
            return TypedResults.NoContent();
        }).ExcludeFromDescription();
        return app;
    }
}
