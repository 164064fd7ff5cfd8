using Memo.ServiceDefaults.Data;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class RedisExtensions
{
    /// <summary>
    /// Registers an <see cref="IConnectionMultiplexer"/> for the Redis Aspire names <paramref name="connectionName"/>
    /// (<c>ConnectionStrings__{name}</c>). The service starts and keeps running while Redis is down; the multiplexer reconnects.
    /// Redis is a cache here, so losing it degrades the service rather than making it unready.
    /// </summary>
    public static TBuilder AddRedisCache<TBuilder>(this TBuilder builder, string connectionName)
        where TBuilder : IHostApplicationBuilder
    {
        var options = ConfigurationOptions.Parse(RequiredSettings.ConnectionString(builder.Configuration, connectionName));
        options.AbortOnConnectFail = false;

        // Every caller has a fallback for a missing cache. By default a command issued while disconnected waits in a
        // backlog until the connection returns or it times out (5 s each: a login took 12 s during an outage); failing
        // at once makes a known outage cost microseconds, and the shorter timeouts bound what an unknown one costs.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 1000;
        options.AsyncTimeout = 1000;

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded);
        return builder;
    }
}
