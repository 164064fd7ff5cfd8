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
        var connectionString = new NpgsqlConnectionStringBuilder(RequiredSettings.ConnectionString(builder.Configuration, connectionName))
        {
            // Our statements never leave session state behind, so the reset a pooled connection gets on its next use
            // (several statements) is pure cost; it also dropped the prepared statements below.
            NoResetOnClose = true,
        };
        if (connectionString.MaxAutoPrepare == 0)
        {
            // Each service runs a handful of distinct statements: prepare them once per connection instead of
            // having PostgreSQL parse and plan them on every request.
            connectionString.MaxAutoPrepare = 32;
        }

        builder.Services.AddNpgsqlDataSource(connectionString.ConnectionString);
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", HealthStatus.Unhealthy);
        return builder;
    }
}
