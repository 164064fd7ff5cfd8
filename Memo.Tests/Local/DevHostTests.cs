using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

using Memo.DevHost.Infrastructure;

namespace Memo.Tests.Local;

/// <summary><c>dotnet run --project Memo.DevHost</c> as a user runs it, as its own process.</summary>
public sealed class DevHostTests
{
    [Fact]
    public async Task Serves_through_its_gateway_from_a_directory_only_its_owner_may_enter_and_stops_cleanly()
    {
        // Like `mktemp -d`: 0700. As root, PostgreSQL runs as the postgres user and must still reach its data in there.
        var root = Directory.CreateTempSubdirectory("memo-devhost-");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, root.UnixFileMode);
        var ports = new Dictionary<string, int>
        {
            ["MEMO_GATEWAY_PORT"] = Ports.FindFree(),
            ["MEMO_AUTH_PORT"] = Ports.FindFree(),
            ["MEMO_NOTES_PORT"] = Ports.FindFree(),
        };
        var environment = ports.ToDictionary(p => p.Key, p => p.Value.ToString(CultureInfo.InvariantCulture));
        environment["MEMO_DATA"] = Path.Combine(root.FullName, "data");
        var gateway = new Uri($"http://127.0.0.1:{ports["MEMO_GATEWAY_PORT"]}/");
        try
        {
            await using var devHost = ChildProcess.Start("dotnet", [ServiceProcess.AssemblyPath("Memo.DevHost")], Path.Combine(root.FullName, "devhost.log"), environment);
            var clock = Stopwatch.StartNew();
            while (!devHost.Tail().Contains("Press Ctrl-C to stop.", StringComparison.Ordinal))
            {
                Assert.False(devHost.HasExited, devHost.Tail());
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), devHost.Tail());
                await Task.Delay(200);
            }

            // The first address it prints is the gateway's.
            Assert.Contains($"Memo is running at {gateway}", devHost.Tail().Split('\n').First(l => l.Contains("http://", StringComparison.Ordinal)));

            using var http = new HttpClient { BaseAddress = gateway };
            var credentials = new { email = $"devhost-{Guid.NewGuid():N}@example.com", password = "correct horse battery" };
            using (var registered = await http.PostAsJsonAsync("/auth/register", credentials))
            {
                Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            }

            using (var login = await http.PostAsJsonAsync("/auth/login", credentials))
            {
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            }

            // SIGTERM, as a service manager stops it (Ctrl-C takes the same path).
            await devHost.StopAsync("TERM", TimeSpan.FromSeconds(60));
            Assert.Equal(0, await devHost.WaitForExitAsync(CancellationToken.None));
            Assert.Contains("Stopping...", devHost.Tail(), StringComparison.Ordinal);
            foreach (var port in ports.Values)
            {
                using var probe = new TcpClient();
                await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port));
            }
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
