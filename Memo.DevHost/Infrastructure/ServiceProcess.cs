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

    /// <summary>The repository the services are built in.</summary>
    public static string RepositoryRoot => Metadata["ServicesRoot"];

    /// <summary>Starts <paramref name="project"/> and waits until it answers <c>/alive</c>; throws with its output if it exits first.</summary>
    public static Task<ServiceProcess> StartAsync(string project, IReadOnlyDictionary<string, string> environment, string logDirectory,
        int? port = null, CancellationToken cancellationToken = default)
    {
        var assembly = AssemblyPath(project);
        var url = new Uri($"http://127.0.0.1:{(port ?? Ports.FindFree()).ToString(CultureInfo.InvariantCulture)}");
        var env = new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = url.ToString() };
        env.TryAdd("ASPNETCORE_ENVIRONMENT", "Production");
        // As the AppHost runs them: two glibc arenas rather than up to eight per core, and blocks of 64 KB and more
        // mapped on their own, so that freed native memory goes back (docs/performance.md, "Memory").
        env.TryAdd("MALLOC_ARENA_MAX", "2");
        env.TryAdd("MALLOC_MMAP_THRESHOLD_", "65536");
        var process = ChildProcess.Start("dotnet", [assembly], LogPath(logDirectory, project, url), env, workingDirectory: Path.GetDirectoryName(assembly));
        return WaitUntilAliveAsync(project, url, process, cancellationToken);
    }

    /// <summary>
    /// Starts <paramref name="project"/> as AWS Lambda runs it under the Lambda Web Adapter: its executable from its build
    /// output or <paramref name="taskRoot"/>, seen at <see cref="LambdaTaskRoot"/> (the working directory), in an
    /// environment holding only what Lambda defines and <paramref name="functionEnvironment"/> (the function's
    /// configuration), listening on the adapter's port (<c>AWS_LWA_PORT</c>, a free one here, and <c>ASPNETCORE_URLS</c>
    /// to match), with every file system read-only but a fresh <c>/tmp</c> (in a private mount namespace: needs root).
    /// Ready once it answers <c>/alive</c>, as the adapter checks.
    /// </summary>
    public static Task<ServiceProcess> StartAsLambdaAsync(string project, IReadOnlyDictionary<string, string> functionEnvironment,
        string logDirectory, string? taskRoot = null, CancellationToken cancellationToken = default)
    {
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("A read-only file system but /tmp needs a private mount namespace, which needs root.");
        }

        taskRoot ??= Path.GetDirectoryName(AssemblyPath(project))!;
        var port = Ports.FindFree().ToString(CultureInfo.InvariantCulture);
        var url = new Uri($"http://127.0.0.1:{port}");
        var env = new Dictionary<string, string>
        {
            ["LAMBDA_TASK_ROOT"] = LambdaTaskRoot,
            ["_HANDLER"] = project,
            ["AWS_LAMBDA_FUNCTION_NAME"] = project,
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_EXECUTION_ENV"] = "AWS_Lambda_dotnet10",
            ["PATH"] = "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
            ["LANG"] = "en_US.UTF-8",
            ["TZ"] = ":UTC",
            // Lambda's .NET runtime provides the shared framework; here it is the one running this code.
            ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "../../..")),
        };
        foreach (var (key, value) in functionEnvironment)
        {
            env[key] = value;
        }

        env["AWS_LWA_PORT"] = port;
        env["ASPNETCORE_URLS"] = url.ToString();
        var process = ChildProcess.Start("unshare", ["--mount", "--", "/bin/sh", "-c", ReadOnlyExceptTmp, taskRoot, project],
            LogPath(logDirectory, project, url), env, workingDirectory: taskRoot, inheritEnvironment: false);
        return WaitUntilAliveAsync(project, url, process, cancellationToken);
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

    /// <summary>A crash (SIGKILL): the process gets no chance to finish what it was doing.</summary>
    public Task KillAsync() => _process.StopAsync("KILL", TimeSpan.FromSeconds(15));

    /// <summary>Freezes the process (SIGSTOP), as AWS Lambda does between invocations: no thread runs, no timer fires.</summary>
    public Task FreezeAsync() => _process.SignalAsync("STOP");

    public Task ThawAsync() => _process.SignalAsync("CONT");

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>
    /// Where the function's files are seen, as Lambda's <c>/var/task</c>, which does not exist here: <c>/mnt</c>, the
    /// one directory meant for mounting over. The build or publish output stays reachable when it lies under
    /// <c>/tmp</c> (a checkout made by <c>mktemp -d</c>), which the fresh <c>/tmp</c> would otherwise hide.
    /// </summary>
    public const string LambdaTaskRoot = "/mnt";

    // Run by /bin/sh in the new mount namespace, with the task root as $0 and the executable's name as $1: every mount
    // read-only but /proc, /sys and /dev/pts, the task root bound read-only at LambdaTaskRoot, a fresh /tmp (Lambda's
    // 512 MB), then the service in this same process.
    private const string ReadOnlyExceptTmp = $$"""
        set -e
        for target in $(awk '{ print $5 }' /proc/self/mountinfo); do
          case "$target" in
            /proc|/proc/*|/sys|/sys/*|/dev/pts) ;;
            *) mount -o remount,bind,ro "$target" ;;
          esac
        done
        mount --bind "$0" {{LambdaTaskRoot}}
        mount -o remount,bind,ro {{LambdaTaskRoot}}
        mount -t tmpfs -o size=512m,mode=1777 tmpfs /tmp
        cd {{LambdaTaskRoot}}
        exec "./$1"
        """;

    private static readonly Dictionary<string, string> Metadata =
        typeof(ServiceProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value!);

    private static string LogPath(string logDirectory, string project, Uri url) => Path.Combine(logDirectory, $"{Path.GetFileName(project)}-{url.Port}.log");

    private static async Task<ServiceProcess> WaitUntilAliveAsync(string project, Uri url, ChildProcess process, CancellationToken cancellationToken)
    {
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

            // As often as the Lambda Web Adapter's readiness check: the time to ready is measured (bench --cold-start).
            await Task.Delay(10, cancellationToken);
        }
    }

    /// <summary>
    /// The built assembly of a project of this repository, named by its folder from the root (Memo.Auth, bench/Memo.Floor...),
    /// in this build's configuration.
    /// </summary>
    public static string AssemblyPath(string project)
    {
        var path = Path.Combine(RepositoryRoot, project, "bin", Metadata["ServicesConfiguration"], "net10.0", $"{Path.GetFileName(project)}.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built; build the solution first.", path);
    }
}

public sealed class ServiceStartException(string project, string output)
    : Exception($"{project} failed to start:{Environment.NewLine}{output}")
{
    public string Output { get; } = output;
}
