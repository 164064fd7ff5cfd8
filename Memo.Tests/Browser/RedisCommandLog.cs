using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

using StackExchange.Redis;

namespace Memo.Tests.Browser;

/// <summary>
/// Every command Redis runs, from any client, as its MONITOR feed reports them on a connection of its own: for tests
/// that count what a service asks of Redis.
/// </summary>
public sealed partial class RedisCommandLog : IAsyncDisposable
{
    private readonly TcpClient _monitor;
    private readonly StreamReader _feed;
    private readonly ConnectionMultiplexer _redis;

    private RedisCommandLog(TcpClient monitor, StreamReader feed, ConnectionMultiplexer redis) =>
        (_monitor, _feed, _redis) = (monitor, feed, redis);

    /// <summary>Starts monitoring the Redis at <paramref name="connectionString"/> (<c>host:port</c>).</summary>
    public static async Task<RedisCommandLog> StartAsync(string connectionString)
    {
        var endpoint = connectionString.Split(',')[0].Split(':');
        var monitor = new TcpClient();
        await monitor.ConnectAsync(endpoint[0], int.Parse(endpoint[1], CultureInfo.InvariantCulture));
        var stream = monitor.GetStream();
        await stream.WriteAsync("MONITOR\r\n"u8.ToArray());
        var feed = new StreamReader(stream, Encoding.UTF8);
        Assert.Equal("+OK", await feed.ReadLineAsync());
        return new RedisCommandLog(monitor, feed, await ConnectionMultiplexer.ConnectAsync(connectionString));
    }

    /// <summary>
    /// The commands Redis ran since the last call (or the start) that named a key beginning with
    /// <paramref name="keyPrefix"/>, by name. A marker sent now on another connection bounds the read: Redis reports
    /// commands in the order it runs them, so every command before the marker has been reported when it is.
    /// </summary>
    public async Task<List<string>> CommandsOnAsync(string keyPrefix)
    {
        var marker = $"memo-test-marker-{Guid.NewGuid():N}";
        await _redis.GetDatabase().ExecuteAsync("ECHO", marker);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var commands = new List<string>();
        while (await _feed.ReadLineAsync(timeout.Token) is { } line)
        {
            // +1700000000.123456 [0 127.0.0.1:50000] "GET" "memo:web:session:..."
            var words = Quoted().Matches(line).Select(m => m.Groups[1].Value).ToList();
            if (words is ["ECHO", var echoed] && echoed == marker)
            {
                return commands;
            }

            if (words.Skip(1).Any(word => word.StartsWith(keyPrefix, StringComparison.Ordinal)))
            {
                commands.Add(words[0].ToUpperInvariant());
            }
        }

        throw new InvalidOperationException("Redis closed the MONITOR connection.");
    }

    public async ValueTask DisposeAsync()
    {
        _feed.Dispose();
        _monitor.Dispose();
        await _redis.DisposeAsync();
    }

    [GeneratedRegex("""
        "((?:[^"\\]|\\.)*)"
        """)]
    private static partial Regex Quoted();
}
