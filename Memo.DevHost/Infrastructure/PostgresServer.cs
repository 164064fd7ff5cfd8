using System.Diagnostics;

using Npgsql;

namespace Memo.DevHost.Infrastructure;

/// <summary>
/// A real PostgreSQL server run from the binaries on PATH, on a loopback port, with password authentication.
/// It can be stopped, killed and started again on the same port and data, for fault tests.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string OsUser = "postgres";
    private const string Password = "memo-local";
    private readonly string _dataDirectory;
    private readonly string _logPath;
    private ChildProcess? _process;

    private PostgresServer(string directory, int port)
    {
        _dataDirectory = Path.Combine(directory, "data");
        _logPath = Path.Combine(directory, "postgres.log");
        Port = port;
    }

    public int Port { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Initializes <paramref name="directory"/> if it holds no cluster yet, starts the server and creates <paramref name="databases"/>.</summary>
    public static async Task<PostgresServer> StartAsync(string directory, IEnumerable<string> databases, int? port = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var server = new PostgresServer(directory, port ?? Ports.FindFree());
        if (!File.Exists(Path.Combine(server._dataDirectory, "PG_VERSION")))
        {
            await server.InitializeAsync(directory, cancellationToken);
        }

        await server.StartAsync(cancellationToken);
        foreach (var database in databases)
        {
            await server.EnsureDatabaseAsync(database, cancellationToken);
        }

        return server;
    }

    /// <summary>The Npgsql connection string of a database on this server, as Aspire would inject it.</summary>
    /// <remarks>
    /// The server shares this machine's cores with the services. Four connections per core: reads (CPU-bound) gained
    /// nothing from more, or lost to backends taking turns on the same cores, while refreshes, which wait for their
    /// commit's WAL flush, served 15-20 % more than with two per core (docs/performance.md, "Refresh").
    /// </remarks>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = OsUser,
            Password = Password,
            Database = database,
            MaxPoolSize = 4 * Environment.ProcessorCount,
        }.ConnectionString;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        // After a SIGKILL the old backends take a moment to notice and release the shared memory: retry briefly.
        for (var attempt = 1; ; attempt++)
        {
            _process = ChildProcess.Start("postgres",
                ["-D", _dataDirectory, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
                _logPath, runAs: OsUser);
            if (await WaitUntilReadyAsync(cancellationToken))
            {
                return;
            }

            if (attempt == 5)
            {
                throw new InvalidOperationException($"PostgreSQL did not start; see {_logPath}:{Environment.NewLine}{_process.Tail()}");
            }

            await _process.DisposeAsync();
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    /// <summary>A clean shutdown (SIGINT, "fast" mode).</summary>
    public Task StopAsync() => StopAsync("INT");

    /// <summary>A crash: SIGKILL, no shutdown checkpoint. Acknowledged commits must survive it.</summary>
    public Task KillAsync() => StopAsync("KILL");

    // The connections this process pooled to the server died with it. Npgsql would hand them out again to whichever
    // server listens on the port next (this one restarted, or a later one given the same port), and the first command
    // on each would fail with 57P01: they are dropped here.
    private async Task StopAsync(string signal)
    {
        if (_process is not null)
        {
            await _process.StopAsync(signal, TimeSpan.FromSeconds(30));
        }

        NpgsqlConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await StopAsync();
            await _process.DisposeAsync();
        }
    }

    private async Task InitializeAsync(string directory, CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(directory, "pwfile");
        await File.WriteAllTextAsync(passwordFile, Password, cancellationToken);
        if (Environment.UserName == "root")
        {
            // PostgreSQL refuses to run as root: the cluster belongs to the postgres OS user.
            await RunAsync("chown", ["-R", $"{OsUser}:{OsUser}", directory], cancellationToken);
        }

        // C.UTF-8 makes pg_trgm see Hangul and other non-ASCII letters as word characters.
        await using var initdb = ChildProcess.Start("initdb",
            ["-D", _dataDirectory, "-U", OsUser, "--pwfile", passwordFile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"],
            _logPath, runAs: OsUser);
        if (await initdb.WaitForExitAsync(cancellationToken) != 0)
        {
            throw new InvalidOperationException($"initdb failed; see {_logPath}:{Environment.NewLine}{initdb.Tail()}");
        }
    }

    private async Task<bool> WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30) && !_process!.HasExited)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false;Timeout=2");
                await connection.OpenAsync(cancellationToken);
                return true;
            }
            catch (NpgsqlException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        return false;
    }

    private async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task RunAsync(string fileName, string[] arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(fileName, arguments);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}.");
        }
    }
}
