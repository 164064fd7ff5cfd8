using System.Diagnostics;
using System.Text.Json;

/// <summary>
/// A CPU profile of one service under load, taken with dotnet-trace (thread-time sampling, about 100 Hz), and the share
/// of its busy samples spent under each kind of work, so that "what limits this scenario" is measured, not guessed.
/// </summary>
internal static class Profiler
{
    // Each category is a sample whose stack holds a frame containing one of these texts. Categories may overlap
    // (a signature check is part of token validation).
    private static readonly (string Category, string[] Frames)[] Categories =
    [
        ("token validation (JwtBearer)", ["JwtBearerHandler.HandleAuthenticateAsync"]),
        ("  of which the signature check", ["AsymmetricSignatureProvider.Verify"]),
        ("  of which revocation check", ["RefuseRevokedSessionAsync"]),
        ("token signing", ["AsymmetricSignatureProvider.Sign"]),
        ("password hashing (PBKDF2)", ["Pbkdf2", "PasswordHasher.Derive("]),
        ("PostgreSQL client (Npgsql)", ["Npgsql!"]),
        ("Redis client", ["StackExchange.Redis!"]),
        ("JSON", ["System.Text.Json!"]),
        ("YARP (routing, transforms, forwarding)", ["Yarp.ReverseProxy!"]),
        ("outgoing HTTP client (System.Net.Http)", ["System.Net.Http!"]),
        ("rate limiting", ["RateLimit"]),
        ("output cache", ["OutputCach"]),
        ("Blazor rendering (Memo.Web)", ["Microsoft.AspNetCore.Components"]),
        ("Data Protection (Memo.Web: cookie, session, state)", ["Microsoft.AspNetCore.DataProtection"]),
        ("antiforgery (Memo.Web)", ["Microsoft.AspNetCore.Antiforgery"]),
        ("logging", ["Microsoft.Extensions.Logging"]),
        ("OpenTelemetry", ["OpenTelemetry"]),
        ("GC (suspension, finalizers)", ["PollGC", "RunFinalizers"]),
    ];

    // Thread-time samples say "running managed code" (CPU_TIME) or "in native code" (UNMANAGED_CODE_TIME). Native time
    // counts as busy (crypto, socket calls) unless the thread called into it to wait.
    private static readonly string[] IdleCallers = ["Wait", "Sleep", "Interop+Sys.Read("];

    public static async Task<string> CollectAsync(int processId, TimeSpan length, string outputBase)
    {
        var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-trace");
        var info = new ProcessStartInfo(File.Exists(tool) ? tool : "dotnet-trace",
            ["collect", "-p", $"{processId}", "--profile", "dotnet-sampled-thread-time", "--format", "Speedscope",
             "--duration", length.ToString(@"dd\:hh\:mm\:ss"), "-o", outputBase + ".nettrace"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var trace = Process.Start(info)!;
        var output = await trace.StandardOutput.ReadToEndAsync() + await trace.StandardError.ReadToEndAsync();
        await trace.WaitForExitAsync();
        var speedscope = outputBase + ".speedscope.json";
        return trace.ExitCode == 0 && File.Exists(speedscope) ? speedscope : throw new InvalidOperationException($"dotnet-trace failed:\n{output}");
    }

    // Each busy sample belongs to exactly one of these parts: the innermost (nearest the leaf) frame that holds one of
    // the texts decides, so a part's share is what it costs itself, without what it calls (a middleware without the
    // rest of the pipeline after it, the endpoint without Npgsql and JSON). A frame that holds texts of two parts
    // belongs to the first listed.
    private static readonly (string Part, string[] Frames)[] Parts =
    [
        // Sampled as running while it spins for the next work item, and also while descheduled on a busy machine.
        ("thread pool (dispatching work items, waiting for work)", ["PortableThreadPool", "ThreadPoolWorkQueue", "LowLevelLifoSemaphore"]),
        ("sockets (System.Net.Sockets)", ["System.Net.Sockets!"]),
        ("Kestrel (connection, HTTP parsing, response writing)", ["Microsoft.AspNetCore.Server.Kestrel"]),
        ("hosting (HttpContext, request activity, diagnostics)", ["Microsoft.AspNetCore.Hosting!"]),
        ("routing", ["EndpointRoutingMiddleware", "Microsoft.AspNetCore.Routing.Matching", "DfaMatcher"]),
        ("forwarded headers middleware", ["ForwardedHeadersMiddleware"]),
        ("exception handler middleware", ["ExceptionHandlerMiddleware"]),
        ("status code pages middleware", ["StatusCodePagesMiddleware"]),
        ("authentication middleware, without the token check", ["AuthenticationMiddleware"]),
        ("token check (JwtBearer handler, validated-token cache)", ["JwtBearerHandler", "CachingTokenHandler"]),
        ("revocation check", ["RefuseRevokedSessionAsync", "RevocationMirror"]),
        ("token signing", ["AsymmetricSignatureProvider.Sign", "SignHash"]),
        ("JWT library (IdentityModel: reading, validating, creating tokens)", ["Microsoft.IdentityModel"]),
        ("authorization middleware", ["AuthorizationMiddleware", "Microsoft.AspNetCore.Authorization"]),
        ("endpoint middleware and parameter binding", ["EndpointMiddleware", "RequestDelegateFactory", "Microsoft.AspNetCore.Http.Generated"]),
        ("rate limiting", ["RateLimit"]),
        ("request timeouts", ["RequestTimeouts"]),
        ("output cache", ["OutputCach"]),
        ("Memo's own code (handlers, stores)", ["Memo.Auth!", "Memo.Notes!", "Memo.Web!", "Memo.Gateway!", "Memo.ServiceDefaults!"]),
        ("ETag header", ["EntityTagHeaderValue"]),
        ("YARP (routing to a destination, transforms, forwarding)", ["Yarp.ReverseProxy!"]),
        ("outgoing HTTP client (System.Net.Http)", ["System.Net.Http!"]),
        ("Blazor rendering", ["Microsoft.AspNetCore.Components"]),
        ("Data Protection", ["Microsoft.AspNetCore.DataProtection"]),
        ("antiforgery", ["Microsoft.AspNetCore.Antiforgery"]),
        ("JSON", ["System.Text.Json!"]),
        ("PostgreSQL client (Npgsql)", ["Npgsql!"]),
        ("Redis client", ["StackExchange.Redis!"]),
        ("logging", ["Microsoft.Extensions.Logging"]),
        ("OpenTelemetry", ["OpenTelemetry"]),
        ("GC (suspension, finalizers)", ["PollGC", "RunFinalizers"]),
    ];

    /// <summary>The share of busy (managed CPU) sample time under each category, in percent.</summary>
    public static IEnumerable<(string Category, double Percent)> Summarize(string speedscopePath) =>
        Shares(speedscopePath, Categories, (stack, matches) =>
            Enumerable.Range(0, Categories.Length).Where(category => stack.Any(f => matches[f][category])));

    /// <summary>The share of busy sample time each part of a request costs itself, in percent; the rest is "other".</summary>
    public static IEnumerable<(string Part, double Percent)> Attribute(string speedscopePath)
    {
        var parts = Parts.Append(("other (the runtime, native code, unresolved frames)", [])).ToArray();
        return Shares(speedscopePath, parts, (stack, matches) => [Innermost(stack, matches, parts.Length - 1)]);
    }

    private static int Innermost(List<int> stack, bool[][] matches, int none)
    {
        for (var i = stack.Count - 1; i >= 0; i--)
        {
            var part = Array.IndexOf(matches[stack[i]], true);
            if (part >= 0)
            {
                return part;
            }
        }

        return none;
    }

    private static IEnumerable<(string Name, double Percent)> Shares(string speedscopePath, (string Name, string[] Frames)[] groups,
        Func<List<int>, bool[][], IEnumerable<int>> groupsOf)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(speedscopePath));
        var frames = document.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray()
            .Select(f => f.GetProperty("name").GetString()!).ToArray();
        var matches = frames.Select(name => groups.Select(c => c.Frames.Any(name.Contains)).ToArray()).ToArray();
        var busy = 0.0;
        var perGroup = new double[groups.Length];
        foreach (var profile in document.RootElement.GetProperty("profiles").EnumerateArray())
        {
            // An evented profile opens and closes frames; its leaf pseudo-frame says whether the thread was running.
            var stack = new List<int>();
            var last = 0.0;
            foreach (var e in profile.GetProperty("events").EnumerateArray())
            {
                var at = e.GetProperty("at").GetDouble();
                if (IsBusy(stack, frames))
                {
                    busy += at - last;
                    foreach (var g in groupsOf(stack, matches))
                    {
                        perGroup[g] += at - last;
                    }
                }

                last = at;
                if (e.GetProperty("type").GetString() == "O")
                {
                    stack.Add(e.GetProperty("frame").GetInt32());
                }
                else
                {
                    stack.RemoveAt(stack.Count - 1);
                }
            }
        }

        return groups.Select((g, i) => (g.Name, busy > 0 ? 100 * perGroup[i] / busy : 0));
    }

    private static bool IsBusy(List<int> stack, string[] frames) => stack.Count > 1 && frames[stack[^1]] switch
    {
        "CPU_TIME" => true,
        "UNMANAGED_CODE_TIME" => frames[stack[^2]] is var caller && !caller.StartsWith('?') && !IdleCallers.Any(caller.Contains),
        _ => false,
    };
}
