using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;

using Memo.DevHost.Infrastructure;

/// <summary>
/// <c>--cold-start</c>: Memo.Auth started as AWS Lambda starts it (deploy/aws), from process start to the first answered
/// login: readiness (<c>/alive</c> polled every 10 ms, as the Web Adapter does), then one login. Two builds of the
/// CDK app's package (framework-dependent <c>dotnet publish</c>, linux-x64 here): with ReadyToRun and JIT only. Also a
/// warm login, and a login after an idle period during which the process was frozen (its due work runs first).
/// </summary>
internal static class ColdStart
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1.5);

    public static async Task<int> RunAsync(int runs, string password)
    {
        // Not under /tmp, which the function sees as its own empty /tmp.
        var work = new DirectoryInfo(Path.Combine(AppContext.BaseDirectory, "cold-start"));
        if (work.Exists)
        {
            work.Delete(recursive: true);
        }

        work.Create();
        try
        {
            Console.WriteLine("Publishing Memo.Auth twice (ReadyToRun and JIT only)...");
            var builds = new List<(string Name, string Directory)>();
            foreach (var readyToRun in new[] { true, false })
            {
                var directory = Path.Combine(work.FullName, readyToRun ? "ready-to-run" : "jit");
                await PublishAsync(directory, readyToRun, work.FullName);
                builds.Add((readyToRun ? "ReadyToRun" : "JIT only", directory));
            }

            var hashMs = PasswordHashCost.FastestMilliseconds(password);
            await using var stack = await LocalStack.StartAsync();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var email = $"cold-{Guid.NewGuid():N}@example.com";

            // Migrations, the first signing key and the user, once: every measured start finds an existing database.
            await using (var setup = await stack.StartAuthAsync())
            {
                (await http.PostAsJsonAsync(new Uri(setup.Url, "/auth/register"), new { email, password })).EnsureSuccessStatusCode();
            }

            Console.WriteLine($"Starting each build {runs} times, alternating...");
            var samples = builds.ToDictionary(b => b.Name, _ => new List<Sample>());
            for (var run = 0; run < runs; run++)
            {
                foreach (var (name, directory) in builds)
                {
                    samples[name].Add(await MeasureAsync(stack, directory, http, email, password));
                }
            }

            Console.WriteLine();
            Console.WriteLine($"{"build",-11} {"ready ms",18} {"first login ms",18} {"warm login ms",14} {"login after idle ms",20}   (median, min-max of {runs})");
            foreach (var (name, list) in samples)
            {
                Console.WriteLine(FormattableString.Invariant(
                    $"{name,-11} {Spread(list, s => s.Ready),18} {Spread(list, s => s.FirstLogin),18} {Median(list, s => s.WarmLogin),14:F0} {Median(list, s => s.LoginAfterIdle),20:F0}"));
            }

            Console.WriteLine(FormattableString.Invariant(
                $"First login = from process start to the answered login; a login includes one PBKDF2 hash ({hashMs:F0} ms here). {Environment.ProcessorCount} cores; Lambda's own start (sandbox, runtime, adapter) is not included."));
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task PublishAsync(string directory, bool readyToRun, string logDirectory)
    {
        var project = Path.Combine(ServiceProcess.RepositoryRoot, LocalStack.AuthProject, $"{LocalStack.AuthProject}.csproj");
        // The CDK app's arguments (deploy/aws/lib/dotnet-publish.ts), for this machine's architecture.
        await using var publish = ChildProcess.Start("dotnet",
            ["publish", project, "--configuration", "Release", "--runtime", "linux-x64", "--self-contained", "false",
             $"-p:PublishReadyToRun={(readyToRun ? "true" : "false")}", "-p:ContinuousIntegrationBuild=true", "--output", directory, "--nologo"],
            Path.Combine(logDirectory, "publish.log"));
        if (await publish.WaitForExitAsync(CancellationToken.None) != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed:{Environment.NewLine}{publish.Tail()}");
        }
    }

    private static async Task<Sample> MeasureAsync(LocalStack stack, string taskRoot, HttpClient http, string email, string password)
    {
        var clock = Stopwatch.StartNew();
        await using var function = await stack.StartAuthAsLambdaAsync(
            new Dictionary<string, string> { ["SigningKeys__ReloadInterval"] = "00:00:01" }, taskRoot);
        var ready = clock.Elapsed;
        await LoginAsync(http, function, email, password);
        var firstLogin = clock.Elapsed;

        var warm = await TimeAsync(() => LoginAsync(http, function, email, password));
        await function.FreezeAsync();
        await Task.Delay(Idle);
        await function.ThawAsync();
        var afterIdle = await TimeAsync(() => LoginAsync(http, function, email, password));
        return new Sample(ready.TotalMilliseconds, firstLogin.TotalMilliseconds, warm.TotalMilliseconds, afterIdle.TotalMilliseconds);
    }

    private static async Task LoginAsync(HttpClient http, ServiceProcess function, string email, string password)
    {
        using var response = await http.PostAsJsonAsync(new Uri(function.Url, "/auth/login"), new { email, password });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Login answered {(int)response.StatusCode}:{Environment.NewLine}{function.Output()}");
        }
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> call)
    {
        var clock = Stopwatch.StartNew();
        await call();
        return clock.Elapsed;
    }

    private static double Median(List<Sample> samples, Func<Sample, double> value) =>
        samples.Select(value).Order().ElementAt(samples.Count / 2);

    private static string Spread(List<Sample> samples, Func<Sample, double> value) =>
        string.Create(CultureInfo.InvariantCulture, $"{Median(samples, value):F0} ({samples.Min(value):F0}-{samples.Max(value):F0})");

    private sealed record Sample(double Ready, double FirstLogin, double WarmLogin, double LoginAfterIdle);
}
