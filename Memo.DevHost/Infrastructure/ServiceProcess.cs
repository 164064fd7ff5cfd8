using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Memo.DevHost.Infrastructure;

/// <summary>A Memo service (Memo.Auth, Memo.Notes, Memo.Gateway) run from its build output as its own process, configured through environment variables as Aspire would.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly ChildProcess _process;

    private ServiceProcess(string project, Uri url, ChildProcess process)
    {
        Project = project;
        Url = url;
        _process = process;
    }

    public string Project { get; }

    public Uri Url { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="project"/> and waits until it answers <c>/alive</c>; throws with its output if it exits first.</summary>
    public static async Task<ServiceProcess> StartAsync(string project, IReadOnlyDictionary<string, string> environment, string logDirectory,
        int? port = null, CancellationToken cancellationToken = default)
    {
        var assembly = AssemblyPath(project);
        var url = new Uri($"http://127.0.0.1:{(port ?? Ports.FindFree()).ToString(CultureInfo.InvariantCulture)}");
        var env = new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = url.ToString() };
        env.TryAdd("ASPNETCORE_ENVIRONMENT", "Production");
        var logPath = Path.Combine(logDirectory, $"{project}-{url.Port}.log");
        var process = ChildProcess.Start("dotnet", [assembly], logPath, env, workingDirectory: Path.GetDirectoryName(assembly));

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                var output = process.Tail();
                await process.DisposeAsync();
                throw new ServiceStartException(project, output);
            }

            try
            {
                using var response = await Probe.GetAsync(new Uri(url, "/alive"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return new ServiceProcess(project, url, process);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Probe timed out.
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                await process.DisposeAsync();
                throw new ServiceStartException(project, "did not answer /alive within 60 s");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Runs a one-off command of the service (for example Memo.Auth's key rotation) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunCommandAsync(string project, IReadOnlyDictionary<string, string> environment,
        string logDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var assembly = AssemblyPath(project);
        await using var process = ChildProcess.Start("dotnet", [assembly, .. arguments], Path.Combine(logDirectory, $"{project}-command.log"),
            environment, workingDirectory: Path.GetDirectoryName(assembly));
        var exitCode = await process.WaitForExitAsync(cancellationToken);
        return (exitCode, process.Tail());
    }

    public string Output() => _process.Tail();

    /// <summary>A graceful stop (SIGTERM), as an orchestrator would.</summary>
    public Task StopAsync() => _process.StopAsync("TERM", TimeSpan.FromSeconds(15));

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>The built assembly of a project of this repository (Memo.Auth, Memo.DevHost...), in this build's configuration.</summary>
    public static string AssemblyPath(string project)
    {
        var metadata = typeof(ServiceProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        var path = Path.Combine(metadata["ServicesRoot"]!, project, "bin", metadata["ServicesConfiguration"]!, "net10.0", $"{project}.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built; build the solution first.", path);
    }
}

public sealed class ServiceStartException(string project, string output)
    : Exception($"{project} failed to start:{Environment.NewLine}{output}")
{
    public string Output { get; } = output;
}
