using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Memo.DevHost.Infrastructure;

/// <summary>
/// A real Redis server run from <c>redis-server</c> on PATH, on a loopback port, without persistence:
/// Memo keeps nothing in Redis that it cannot rebuild, so a restart comes back empty, as a crashed cache would.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private ChildProcess? _process;

    private RedisServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis connection string, as Aspire would inject it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<RedisServer> StartAsync(string directory, int? port = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var server = new RedisServer(directory, port ?? Ports.FindFree());
        await server.StartAsync(cancellationToken);
        return server;
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _process = ChildProcess.Start("redis-server",
            ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory,
             "--save", "", "--appendonly", "no", "--daemonize", "no"],
            Path.Combine(_directory, "redis.log"));
        var deadline = Stopwatch.StartNew();
        while (!await PingAsync(cancellationToken))
        {
            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new InvalidOperationException($"Redis did not start:{Environment.NewLine}{_process.Tail()}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public Task StopAsync() => _process?.StopAsync("KILL", TimeSpan.FromSeconds(10)) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
