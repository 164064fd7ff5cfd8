using Memo.ServiceDefaults.Data;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

using Npgsql;

namespace Microsoft.Extensions.Hosting;

public static class PostgresExtensions
{
    /// <summary>
    /// Registers an <see cref="NpgsqlDataSource"/> for the database Aspire names <paramref name="connectionName"/>
    /// (<c>ConnectionStrings__{name}</c>), with a readiness check.
    /// </summary>
    public static TBuilder AddPostgresDatabase<TBuilder>(this TBuilder builder, string connectionName)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = RequiredSettings.ConnectionString(builder.Configuration, connectionName);
        builder.Services.AddNpgsqlDataSource(connectionString);
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", HealthStatus.Unhealthy);
        return builder;
    }
}
