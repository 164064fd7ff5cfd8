using System.Runtime.CompilerServices;

using Memo.ServiceDefaults.Errors;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

using Npgsql;

using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

using Scalar.AspNetCore;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Service discovery, resilience, OpenTelemetry, health checks and problem details shared by every Memo service,
/// after the Aspire service-defaults template.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    public const string LiveTag = "live";

    // Internal to ASP.NET Core, so named rather than typed (see WithoutDataProtectionAtStart).
    private const string DataProtectionHostedService = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddTrustedForwardedHeaders();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        return builder;
    }

    /// <summary>
    /// What an API adds to the service defaults: an unreachable database or cache answers 503 problem details, and the
    /// OpenAPI document <see cref="UseApiDefaults"/> maps. (Memo.Web answers people with pages instead and the gateway
    /// only forwards, so they leave this out: registered, OpenAPI would load its assemblies and MVC's at start.)
    /// </summary>
    public static TBuilder AddApiDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddExceptionHandler<DependencyUnavailableExceptionHandler>();
        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>
    /// Stops the service at start, naming the setting, when service discovery has no address for <paramref name="serviceName"/>.
    /// </summary>
    public static TBuilder RequireServiceEndpoint<TBuilder>(this TBuilder builder, string serviceName) where TBuilder : IHostApplicationBuilder
    {
        if (!builder.Configuration.HasServiceEndpoint(serviceName))
        {
            throw new InvalidOperationException(
                $"Missing required setting services:{serviceName}:http:0 (environment variable services__{serviceName}__http__0, or https).");
        }

        return builder;
    }

    /// <summary>Whether service discovery has an address for <paramref name="serviceName"/> (<c>services__{name}__http__0</c>, or https).</summary>
    public static bool HasServiceEndpoint(this IConfiguration configuration, string serviceName) =>
        configuration.GetSection($"services:{serviceName}").GetChildren()
            .Any(scheme => scheme.GetChildren().Any(e => !string.IsNullOrWhiteSpace(e.Value)));

    /// <summary>
    /// Traces, metrics and logs exported over OTLP to <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the Aspire dashboard, or a
    /// collector). Without that endpoint the SDK is not registered at all: it would still start, enrich and time an
    /// activity per request and per database command and record every metric, only to drop them (docs/performance.md,
    /// "The floor, and what a Notes read costs"). The trace context still flows without it: ASP.NET Core starts an activity for each
    /// request from its <c>traceparent</c> (problem details name its trace), and outgoing calls, YARP's included, pass it
    /// on. <c>dotnet-counters</c> reads the runtime's and ASP.NET Core's meters with or without the SDK.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            AddOpenTelemetryExport(builder);
        }

        return builder;
    }

    // Its own method so that a service without an exporter never loads the OpenTelemetry assemblies: the JIT loads
    // what a method names when it compiles that method, and would load it with the caller if it inlined this one.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddOpenTelemetryExport(IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Npgsql"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(options =>
                    // Probes would drown the real traffic.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .UseOtlpExporter();
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// For a service that protects nothing with Data Protection, which ASP.NET Core's authentication and YARP register
    /// anyway: drops its hosted service, which reads (or creates and writes) a key ring at start, parsing its XML: 3 to
    /// 4 MB of memory (docs/performance.md, "Memory"). A key ring is still read if anything asks for one.
    /// Call it after the registrations that add Data Protection.
    /// </summary>
    public static IServiceCollection WithoutDataProtectionAtStart(this IServiceCollection services)
    {
        // Found by name (LocalSystemTests checks it is gone).
        foreach (var startup in services.Where(d => d.ImplementationType?.FullName == DataProtectionHostedService).ToList())
        {
            services.Remove(startup);
        }

        return services;
    }

    /// <summary>Binds <typeparamref name="TOptions"/> to a configuration section and validates its data annotations at start.</summary>
    public static IServiceCollection AddValidatedOptions<TOptions>(this IServiceCollection services, string sectionName)
        where TOptions : class
    {
        services.AddOptions<TOptions>().BindConfiguration(sectionName).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>
    /// The request pipeline every Memo API shares: the client's address from trusted proxies only, problem details for errors, the OpenAPI document
    /// (<c>/openapi/v1.json</c>; the browsable reference at <c>/scalar</c> in Development only) and the health endpoints.
    /// </summary>
    public static WebApplication UseApiDefaults(this WebApplication app)
    {
        app.UseTrustedForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            MapApiReference(app);
        }

        return app.MapDefaultEndpoints();
    }

    // Its own method, as AddOpenTelemetryExport: outside Development the Scalar assembly is never loaded.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MapApiReference(WebApplication app) => app.MapScalarApiReference();

    /// <summary>
    /// <c>/health</c> (ready: every check, dependencies included) and <c>/alive</c> (the process answers).
    /// Mapped in every environment because orchestrators probe them; they report a status word only, no details.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) });
        return app;
    }
}
