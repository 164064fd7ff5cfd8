using System.Reflection;

using Memo.ServiceDefaults.Data;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using Npgsql;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Applies the SQL scripts embedded under <c>Migrations/</c> in the service's assembly, in name order, each once.
/// A transaction-scoped advisory lock makes replicas that start together take turns; the second finds nothing to do.
/// </summary>
public static partial class DatabaseMigrator
{
    private const long MigrationLockId = 0x4D656D6F; // "Memo"
    private static readonly TimeSpan StartupWindow = TimeSpan.FromSeconds(60);

    public static async Task MigrateDatabaseAsync(this IServiceProvider services, Assembly scriptsAssembly, CancellationToken cancellationToken = default)
    {
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseMigrator));
        var time = services.GetRequiredService<TimeProvider>();
        var scripts = scriptsAssembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        // The database may still be starting (orchestrators start everything together): retry for a while.
        var deadline = time.GetUtcNow() + StartupWindow;
        while (true)
        {
            try
            {
                await ApplyAsync(dataSource, scriptsAssembly, scripts, logger, cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (ex is not PostgresException && time.GetUtcNow() < deadline)
            {
                LogWaiting(logger, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }
    }

    private static async Task ApplyAsync(NpgsqlDataSource dataSource, Assembly assembly, List<string> scripts, ILogger logger, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Execute(connection, $"SELECT pg_advisory_xact_lock({MigrationLockId})", ct);
        await Execute(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", ct);

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand("SELECT id FROM schema_migrations", connection))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                applied.Add(reader.GetString(0));
            }
        }

        foreach (var script in scripts.Where(s => !applied.Contains(s)))
        {
            await using var stream = assembly.GetManifestResourceStream(script)!;
            using var text = new StreamReader(stream);
            await Execute(connection, await text.ReadToEndAsync(ct), ct);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (id) VALUES ($1)", connection);
            record.Bind(script);
            await record.ExecuteNonQueryAsync(ct);
            LogApplied(logger, script);
        }

        await transaction.CommitAsync(ct);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Script}")]
    private static partial void LogApplied(ILogger logger, string script);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for the database: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string reason);
}
