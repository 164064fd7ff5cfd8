// The load benchmark: starts the local stack (Release build), seeds users and notes, runs each scenario with wrk at
// several connection counts, prints a table and writes JSON. Usage: see bench/run.sh and docs/performance.md.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using Memo.DevHost.Infrastructure;

using Npgsql;

var full = args.Contains("--full");
var users = IntArg("--users", 100);
var notesPerUser = IntArg("--notes", 10_000) / users;
var duration = IntArg("--duration", full ? 10 : 2); // seconds per measured run
var warmup = full ? 5 : 2; // seconds of unmeasured load before each scenario
int[] connections = full ? [1, 8, 32, 64] : [8, 32];
int[] loginConnections = full ? [1, 2, 4, 8] : [2, 8]; // a login costs a hash (~0.1 s of CPU): 32 at once only time out
var output = StringArg("--out", Path.Combine(Environment.CurrentDirectory, "bench-results.json"));
var only = StringArg("--scenario", ""); // a part of a scenario name, to run only those
var profile = StringArg("--profile", ""); // "auth", "notes", "gateway" or "web": an extra, profiled run of each scenario (see Profiler)
var scripts = Path.Combine(AppContext.BaseDirectory, "scenarios");
const string Password = "bench password 1";

if (args.Contains("--cold-start"))
{
    return await ColdStart.RunAsync(IntArg("--runs", 10), Password);
}

if (args.Contains("--tokens"))
{
    return await TokenAlgorithmCost.RunAsync();
}

// Login is meant to be bound by the password hash: time one on a quiet machine (before the stack starts), to know the ceiling.
var hashMs = PasswordHashCost.FastestMilliseconds(Password);

var clock = Stopwatch.StartNew();
Console.WriteLine($"Starting the stack ({(full ? "full" : "short")} mode)...");
await using var stack = await LocalStack.StartAsync();
await using var auth = await stack.StartAuthAsync();
await using var notes = await stack.StartNotesAsync(auth.Url);
await using var web = await stack.StartWebAsync(auth.Url, notes.Url);
// wrk is one client address: the general limit is raised, not switched off, so the limiter's cost stays in the figures.
await using var gateway = await stack.StartGatewayAsync(auth.Url, notes.Url, new Dictionary<string, string> { ["Gateway__RateLimits__PerClientPermitsPerSecond"] = "10000000" },
    web: web.Url);
// The floor (bench/Memo.Floor): the same read of the same notesdb through the same connection string as Notes, and nothing else.
await using var floor = await ServiceProcess.StartAsync("bench/Memo.Floor",
    new Dictionary<string, string> { [$"ConnectionStrings__{LocalStack.NotesDatabase}"] = stack.NotesEnvironment(auth.Url)[$"ConnectionStrings__{LocalStack.NotesDatabase}"] },
    stack.LogDirectory);
// --variant "NAME:KEY=VALUE;KEY=VALUE" (repeatable): one more Notes instance with these settings, whose get-by-id takes
// turns with the others, for an A/B comparison within one run. "{otlp}" in a value is the address of an OTLP/HTTP sink
// the benchmark runs, which accepts every export and keeps nothing (OpenTelemetry's cost with an exporter configured).
using var otlp = new OtlpSink();
var variants = new List<(string Name, ServiceProcess Notes)>();
foreach (var spec in args.Select((a, i) => (a, i)).Where(x => x.a == "--variant" && x.i + 1 < args.Length).Select(x => args[x.i + 1]))
{
    var (name, settings) = (spec.Split(':', 2)[0], spec.Split(':', 2)[1]);
    variants.Add((name, await stack.StartNotesAsync(auth.Url, settings.Split(';').Select(kv => kv.Split('=', 2))
        .ToDictionary(kv => kv[0], kv => kv[1].Replace("{otlp}", otlp.Url.ToString().TrimEnd('/'), StringComparison.Ordinal)))));
}

using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
var words = new[] { "design", "메모", "meeting", "idea", "plan", "todo" };
if (args.Contains("--export"))
{
    return await ExportBenchmarkAsync(IntArg("--notes", 10_000), IntArg("--content-length", 200));
}

Console.WriteLine($"Seeding {users} users and {users * notesPerUser} notes ({clock.Elapsed.TotalSeconds:F0} s)...");
var emails = Enumerable.Range(0, users).Select(i => $"bench-{i}-{Guid.NewGuid():N}@example.com").ToArray();
var tokens = new string[users];
var sessions = new string[users]; // each user's refresh token, to renew the access tokens during a long soak
await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
{
    (await http.PostAsJsonAsync(new Uri(auth.Url, "/auth/register"), new { email = emails[i], password = Password }, ct)).EnsureSuccessStatusCode();
    var login = await LoginAsync(emails[i], ct);
    (tokens[i], sessions[i]) = (login.GetProperty("access_token").GetString()!, login.GetProperty("refresh_token").GetString()!);
});
// A running Auth holds the spent refresh tokens of its live sessions until the sessions end: 1,000 per seeded session
// here. Without them refresh_tokens starts nearly empty and grows a hundredfold within a full run, and PostgreSQL, which
// plans from the statistics of the nearly empty table, looked every token up by reading the whole table.
await ExecuteSqlAsync(LocalStack.AuthDatabase, """
    INSERT INTO refresh_tokens (token_hash, session_id, created_at, used_at)
    SELECT sha256(gen_random_uuid()::text::bytea), s.id, now() - interval '1 hour', now() - interval '1 hour'
    FROM sessions s CROSS JOIN generate_series(1, 1000)
    """);

var noteIds = new List<(int User, string Id)>();
await Parallel.ForEachAsync(Enumerable.Range(0, users * notesPerUser), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (n, ct) =>
{
    var user = n % users;
    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(notes.Url, "/notes"))
    {
        Content = JsonContent.Create(new { title = $"note {n} {words[n % words.Length]}", content = $"body of note {n} about {words[(n / 7) % words.Length]}", tags = new[] { words[n % 3] } }),
    };
    request.Headers.Authorization = new("Bearer", tokens[user]);
    using var response = await http.SendAsync(request, ct);
    response.EnsureSuccessStatusCode();
    var id = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
    lock (noteIds)
    {
        noteIds.Add((user, id));
    }
});

// Memo.Web's notes page: one more user, with 1,000 notes, signed in through Web's own form as a browser would be.
const int WebUserNotes = 1000;
Console.WriteLine($"Seeding a Memo.Web user with {WebUserNotes} notes ({clock.Elapsed.TotalSeconds:F0} s)...");
var webEmail = $"bench-web-{Guid.NewGuid():N}@example.com";
(await http.PostAsJsonAsync(new Uri(auth.Url, "/auth/register"), new { email = webEmail, password = Password })).EnsureSuccessStatusCode();
var webToken = (await LoginAsync(webEmail, CancellationToken.None)).GetProperty("access_token").GetString()!;
await Parallel.ForEachAsync(Enumerable.Range(0, WebUserNotes), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (n, ct) =>
{
    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(notes.Url, "/notes"))
    {
        Content = JsonContent.Create(new { title = $"web note {n} {words[n % words.Length]}", content = $"body of web note {n}", tags = new[] { words[n % 3] } }),
    };
    request.Headers.Authorization = new("Bearer", webToken);
    using var response = await http.SendAsync(request, ct);
    response.EnsureSuccessStatusCode();
});
var webCookie = await SignInThroughWebAsync(webEmail);

// Scenarios of one group take turns at each connection count, so that all meet the same machine: a job elsewhere on it
// then slows all, not one. Every Notes scenario runs between two turns of the floor, which reads one note by id with
// nothing around it (bench/Memo.Floor), and the table gives its rate as a ratio to the mean of those two: the floor's
// rate moved by a quarter between its turns of one run (docs/performance.md, "Today's table").
if (args.Contains("--soak"))
{
    return await SoakAsync(IntArg("--soak", 10));
}

// The "notes cpu" and "notes MB" columns are of the process that answered: Notes, or on floor and variant rows that process.
const string FloorScenario = "floor: one row by id";
var scenarios = new List<Scenario>
{
    new("alive", "alive.lua", notes.Url, connections, "alive", notes),
    new(FloorScenario, "get-by-id.lua", floor.Url, connections, "get-by-id", floor),
    new("notes get-by-id", "get-by-id.lua", notes.Url, connections, "get-by-id", notes),
    new("notes get-by-id via gateway", "get-by-id.lua", gateway.Url, connections, "get-by-id", notes),
};
scenarios.AddRange(variants.Select(v => new Scenario($"notes get-by-id [{v.Name}]", "get-by-id.lua", v.Notes.Url, connections, "get-by-id", v.Notes)));
scenarios.Add(new(FloorScenario, "get-by-id.lua", floor.Url, connections, "get-by-id", floor));
foreach (var (name, script, group) in new[] { ("notes list", "list.lua", "list"), ("notes search", "search.lua", "search"), ("notes create", "create.lua", "create"), ("notes update If-Match", "update.lua", "update") })
{
    scenarios.Add(new(FloorScenario, "get-by-id.lua", floor.Url, connections, group, floor));
    scenarios.Add(new(name, script, notes.Url, connections, group, notes));
    scenarios.Add(new(FloorScenario, "get-by-id.lua", floor.Url, connections, group, floor));
}

scenarios.Add(new("auth refresh", "refresh.lua", auth.Url, connections, "refresh", notes));
scenarios.Add(new("auth login", "login.lua", auth.Url, loginConnections, "login", notes));
// The page costs Web the most; "notes cpu" on these rows is still Notes', which answers Web's API calls.
scenarios.Add(new("web notes page", "web-notes.lua", web.Url, connections, "web", notes));
scenarios.Add(new("web notes page via gateway", "web-notes.lua", gateway.Url, connections, "web", notes));

var results = new List<Result>();
Console.WriteLine($"Running the scenarios ({clock.Elapsed.TotalSeconds:F0} s)...");
Console.WriteLine();
Console.WriteLine($"{"scenario",-28} {"conns",5} {"req/s",9} {"x floor",7} {"p50 ms",7} {"p90 ms",7} {"p95 ms",7} {"p99 ms",7} {"non2xx",7} {"errors",7} {"auth cpu",8} {"notes cpu",9} {"web cpu",7} {"gateway cpu",11} {"wrk cpu",7} {"other cpu",9} {"auth MB",7} {"notes MB",8} {"web MB",6} {"gateway MB",10}");
foreach (var group in scenarios.GroupBy(s => s.Group).Where(g => g.Any(s => s.Name != FloorScenario && s.Name.Contains(only, StringComparison.OrdinalIgnoreCase))))
{
    await SettlePostgresAsync();
    // An unmeasured warm-up run first, so the table shows the steady state: the JIT recompiles hot methods with
    // optimizations in the background, which took about 5 s under load (a 1 s warm-up left the first run 40 % slower).
    foreach (var (name, script, target, counts, _, _) in group.DistinctBy(s => s.Name))
    {
        await RunWrkAsync(Path.Combine(scripts, script), target, counts[0], warmup, await WriteDataAsync(name == "auth refresh" ? await RefreshTokensAsync(counts[0]) : null));
    }

    foreach (var c in group.First().Connections)
    {
        var turns = new List<Result>();
        foreach (var (name, script, target, _, groupName, app) in group)
        {
            var dataFile = await WriteDataAsync(name == "auth refresh" ? await RefreshTokensAsync(c) : null);
            var before = Snapshot(app);
            // A login takes about 0.15 s: a two-second run would count too few whole ones to give a rate.
            var seconds = name == "auth login" ? Math.Max(duration, 6) : duration;
            var (json, wrkCpu) = await RunWrkAsync(Path.Combine(scripts, script), target, c, seconds, dataFile);
            var after = Snapshot(app);
            var rate = json.GetProperty("requests").GetInt64() / (json.GetProperty("duration_us").GetInt64() / 1e6);
            turns.Add(new Result(name, groupName, c, seconds, rate, null,
                json.GetProperty("p50_us").GetInt64() / 1000.0, json.GetProperty("p90_us").GetInt64() / 1000.0,
                json.GetProperty("p95_us").GetInt64() / 1000.0, json.GetProperty("p99_us").GetInt64() / 1000.0,
                json.GetProperty("non2xx").GetInt64(), json.GetProperty("wrong_status").GetInt64() + json.GetProperty("socket_errors").GetInt64(),
                after.Auth - before.Auth, after.Notes - before.Notes, after.Web - before.Web, after.Gateway - before.Gateway, wrkCpu,
                Math.Max(0, after.Machine - before.Machine - (after.Auth - before.Auth) - (after.Notes - before.Notes) - (after.Web - before.Web)
                    - (after.Gateway - before.Gateway) - wrkCpu),
                PeakRssMb(auth.ProcessId), PeakRssMb(app.ProcessId), PeakRssMb(web.ProcessId), PeakRssMb(gateway.ProcessId)));
        }

        // Printed once the floor's second turn is in: each Notes row's ratio is to the mean of the floor's two turns.
        var floorRates = turns.Where(t => t.Scenario == FloorScenario).Select(t => t.RequestsPerSecond).ToList();
        foreach (var turn in turns)
        {
            var r = turn.Scenario.StartsWith("notes ", StringComparison.Ordinal) && floorRates.Count > 0
                ? turn with { FloorRatio = turn.RequestsPerSecond / floorRates.Average() }
                : turn;
            results.Add(r);
            var shown = r.Errors > 0 ? "ERRORS" : r.RequestsPerSecond.ToString("F0", CultureInfo.InvariantCulture);
            var ratio = r.FloorRatio is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) : "–";
            Console.WriteLine(FormattableString.Invariant(
                $"{r.Scenario,-28} {r.Connections,5} {shown,9} {ratio,7} {r.P50Ms,7:F2} {r.P90Ms,7:F2} {r.P95Ms,7:F2} {r.P99Ms,7:F2} {r.Non2xx,7} {r.Errors,7} {r.AuthCpuSeconds,8:F1} {r.NotesCpuSeconds,9:F1} {r.WebCpuSeconds,7:F1} {r.GatewayCpuSeconds,11:F1} {r.WrkCpuSeconds,7:F1} {r.OtherCpuSeconds,9:F1} {r.AuthPeakRssMb,7:F0} {r.NotesPeakRssMb,8:F0} {r.WebPeakRssMb,6:F0} {r.GatewayPeakRssMb,10:F0}"));
        }
    }

    if (profile is "auth" or "notes" or "gateway" or "web")
    {
        foreach (var (name, script, target, counts, _, _) in group.Where(s => s.Name != FloorScenario))
        {
            await ProfileAsync(name, script, target, counts[^1], profile switch { "auth" => auth.ProcessId, "notes" => notes.ProcessId, "web" => web.ProcessId, _ => gateway.ProcessId });
        }
    }
}

if (results.Where(r => r.Scenario == "auth login").MaxBy(r => r.RequestsPerSecond) is { } bestLogin)
{
    var ceiling = Environment.ProcessorCount * 1000 / hashMs;
    Console.WriteLine(FormattableString.Invariant(
        $"One PBKDF2-SHA256 hash (600,000 iterations) takes {hashMs:F0} ms on one core: at most {ceiling:F1} logins/s on {Environment.ProcessorCount} cores; best login run {bestLogin.RequestsPerSecond:F1}/s ({100 * bestLogin.RequestsPerSecond / ceiling:F0}% of that)."));
}

await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new { mode = full ? "full" : "short", cores = Environment.ProcessorCount, users, notes = noteIds.Count, passwordHashMs = hashMs, results },
    new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine();
Console.WriteLine($"CPU columns are CPU-seconds used during the run ({Environment.ProcessorCount} cores x {duration} s available; login runs last at least 6 s); \"other\" is PostgreSQL, Redis and the rest of the machine.");
if (results.Where(r => r.Scenario == "notes get-by-id via gateway").ToList() is { Count: > 0 } viaGateway)
{
    foreach (var r in viaGateway)
    {
        if (results.SingleOrDefault(d => d.Scenario == "notes get-by-id" && d.Connections == r.Connections) is not { } direct)
        {
            continue;
        }

        Console.WriteLine(FormattableString.Invariant(
            $"get-by-id through the gateway at {r.Connections} connections: {r.RequestsPerSecond / direct.RequestsPerSecond:F2} x direct, p99 {r.P99Ms:F1} ms (target: at least 0.6 x, p99 at most 15 ms, no errors)."));
    }
}
foreach (var r in results.Where(r => r.Scenario.StartsWith("web notes page", StringComparison.Ordinal)))
{
    Console.WriteLine(FormattableString.Invariant(
        $"{r.Scenario} ({WebUserNotes} notes, rendered on the server) at {r.Connections} connections: p95 {r.P95Ms:F1} ms (target: under 100 ms)."));
}

foreach (var r in results.Where(r => r.Scenario is "notes get-by-id" or "notes list" && r.Connections == 32))
{
    Console.WriteLine(FormattableString.Invariant(
        $"{r.Scenario} at 32 connections: {r.FloorRatio:F3} x the floor, p99 {r.P99Ms:F1} ms (target: at least {(r.Scenario == "notes list" ? 0.6 : 0.75):F2} x{(r.Scenario == "notes list" ? "" : ", p99 at most 10 ms")}, no errors)."));
}

Console.WriteLine(FormattableString.Invariant(
    $"Peak RSS through the whole benchmark: Auth {PeakRssMb(auth.ProcessId):F0} MB, Notes {PeakRssMb(notes.ProcessId):F0} MB, Web {PeakRssMb(web.ProcessId):F0} MB, Gateway {PeakRssMb(gateway.ProcessId):F0} MB (target: at most 150 MB each)."));
if (otlp.Requests > 0)
{
    Console.WriteLine($"The OTLP sink received {otlp.Requests} exports, {otlp.Bytes / 1e6:F1} MB.");
}

foreach (var (_, variant) in variants)
{
    await variant.DisposeAsync();
}

Console.WriteLine($"Results written to {output} ({clock.Elapsed.TotalSeconds:F0} s after the start of the stack)");
return results.Any(r => r.Errors > 0) ? 1 : 0;

// --export: one user with `count` notes, exported once unmeasured, then five times, each timed from the request to the
// last byte received. The document is checked (a JSON array of `count` notes) after the clock stops.
async Task<int> ExportBenchmarkAsync(int count, int contentLength)
{
    var email = $"bench-export-{Guid.NewGuid():N}@example.com";
    (await http.PostAsJsonAsync(new Uri(auth.Url, "/auth/register"), new { email, password = Password })).EnsureSuccessStatusCode();
    var token = (await LoginAsync(email, CancellationToken.None)).GetProperty("access_token").GetString()!;
    Console.WriteLine($"Seeding {count} notes of {contentLength} characters for one user ({clock.Elapsed.TotalSeconds:F0} s)...");
    var content = string.Concat(Enumerable.Repeat("메모 note ", contentLength))[..contentLength];
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (n, ct) =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(notes.Url, "/notes"))
        {
            Content = JsonContent.Create(new { title = $"note {n} {words[n % words.Length]}", content, tags = new[] { words[n % 3] } }),
        };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
    });

    var peakBefore = PeakRssMb(notes.ProcessId);
    var seconds = new List<double>();
    var megabytes = 0.0;
    Console.WriteLine($"Exporting ({clock.Elapsed.TotalSeconds:F0} s)...");
    for (var run = 0; run <= 5; run++)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(notes.Url, "/notes/export"));
        request.Headers.Authorization = new("Bearer", token);
        var watch = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync();
        watch.Stop();
        using var document = JsonDocument.Parse(body);
        if (document.RootElement.GetArrayLength() != count)
        {
            Console.WriteLine($"ERROR: the export held {document.RootElement.GetArrayLength()} notes, not {count}.");
            return 1;
        }

        megabytes = body.Length / 1e6;
        if (run > 0)
        {
            seconds.Add(watch.Elapsed.TotalSeconds);
        }

        Console.WriteLine(FormattableString.Invariant($"  {(run == 0 ? "warm-up" : $"run {run}"),-8} {watch.Elapsed.TotalSeconds,6:F3} s"));
    }

    seconds.Sort();
    Console.WriteLine(FormattableString.Invariant(
        $"Export of {count} notes ({megabytes:F1} MB): median {seconds[seconds.Count / 2]:F3} s, slowest {seconds[^1]:F3} s; Notes peak RSS {peakBefore:F0} MB before the exports, {PeakRssMb(notes.ProcessId):F0} MB after."));
    return 0;
}

// --soak [minutes]: a steady mixed load on every service (Notes' reads, lists, searches and writes, reads through the
// gateway, refreshes at Auth) for that many minutes after one of warm-up, run in one-minute rounds, each service's RSS
// sampled every 5 s; a line a minute, then each service's memory at the start and the end and a verdict on flatness.
async Task<int> SoakAsync(int minutes)
{
    var services = new (string Name, ServiceProcess Process)[] { ("Auth", auth), ("Notes", notes), ("Web", web), ("Gateway", gateway) };
    var streams = new (string Name, string Script, Uri Target, int Connections)[]
    {
        ("notes mixed", "mixed.lua", notes.Url, 16),
        ("get-by-id via gateway", "get-by-id.lua", gateway.Url, 8),
        ("auth refresh", "refresh.lua", auth.Url, 4),
        ("web notes page via gateway", "web-notes.lua", gateway.Url, 2),
    };
    // RSS and the part of it that is mapped files (RssFile: the runtime's and the app's assemblies and native
    // libraries, clean pages shared with every other .NET process); the rest is what the service itself holds, split
    // into compiled code (RssShmem: the runtime's W^X mapping of JIT-compiled code and its loader heaps), which grows
    // while the JIT still works, and heaps (RssAnon: the GC heap and native allocations).
    var samples = new List<(double Minute, double[] RssMb, double[] FileMb, double[] CodeMb)>();
    var rounds = new List<object>();
    var errors = 0L;
    var tokensIssued = Stopwatch.StartNew();
    var soak = Stopwatch.StartNew();
    Console.WriteLine($"Soak: {minutes} minutes after one of warm-up ({clock.Elapsed.TotalSeconds:F0} s). Requests/s per stream, then RSS (MB) at the end of each minute:");
    Console.WriteLine($"{"minute",6} {string.Join(" ", streams.Select(s => $"{s.Name,22}"))} {"errors",7} {string.Join(" ", services.Select(s => $"{s.Name,8}"))}");
    for (var minute = 0; minute <= minutes; minute++)
    {
        // Access tokens live 15 minutes: a soak longer than that renews them, as clients do.
        if (tokensIssued.Elapsed > TimeSpan.FromMinutes(10))
        {
            await RenewTokensAsync();
            tokensIssued.Restart();
        }

        var data = await WriteDataAsync(await RefreshTokensAsync(streams.Single(s => s.Script == "refresh.lua").Connections));
        var runs = Task.WhenAll(streams.Select(s => RunWrkAsync(Path.Combine(scripts, s.Script), s.Target, s.Connections, 60, data)));
        do
        {
            var memory = services.Select(s => RssMb(s.Process.ProcessId)).ToArray();
            samples.Add((soak.Elapsed.TotalMinutes, memory.Select(m => m.Rss).ToArray(), memory.Select(m => m.Files).ToArray(), memory.Select(m => m.Code).ToArray()));
        }
        while (await Task.WhenAny(runs, Task.Delay(TimeSpan.FromSeconds(5))) != runs);

        var results = await runs;
        if (minute == 0)
        {
            await AbandonRequestsThroughGatewayAsync();
        }

        var rates = results.Select(r => r.Json.GetProperty("requests").GetInt64() / (r.Json.GetProperty("duration_us").GetInt64() / 1e6)).ToArray();
        var roundErrors = results.Sum(r => r.Json.GetProperty("wrong_status").GetInt64() + r.Json.GetProperty("socket_errors").GetInt64());
        errors += minute > 0 ? roundErrors : 0;
        var rss = samples[^1].RssMb;
        rounds.Add(new { minute, rates, errors = roundErrors, rssMb = rss });
        Console.WriteLine(FormattableString.Invariant(
            $"{(minute == 0 ? "warm-up" : minute.ToString(CultureInfo.InvariantCulture)),6} {string.Join(" ", rates.Select(r => $"{r,22:F0}"))} {roundErrors,7} {string.Join(" ", rss.Select(m => $"{m,8:F0}"))}"));
    }

    // Flat: the last minute's mean within 5 MB (or 5 %) of the first measured minute's, and no steady climb between.
    // The verdict is on RSS; its two parts are printed to tell where a climb is.
    var measured = samples.Where(s => s.Minute >= 1).ToList();
    var flat = true;
    for (var i = 0; i < services.Length; i++)
    {
        var rss = Change(measured.Select(s => (s.Minute, s.RssMb[i])).ToList());
        var files = Change(measured.Select(s => (s.Minute, s.FileMb[i])).ToList());
        var own = Change(measured.Select(s => (s.Minute, s.RssMb[i] - s.FileMb[i])).ToList());
        var code = Change(measured.Select(s => (s.Minute, s.CodeMb[i])).ToList());
        var heaps = Change(measured.Select(s => (s.Minute, s.RssMb[i] - s.FileMb[i] - s.CodeMb[i])).ToList());
        flat &= rss.Flat;
        Console.WriteLine(FormattableString.Invariant(
            $"{services[i].Name}: {rss.First:F0} MB in the first measured minute, {rss.Last:F0} MB in the last ({rss.Last - rss.First:+0;-0} MB, trend {rss.Slope:+0.00;-0.00} MB/min), peak {PeakRssMb(services[i].Process.ProcessId):F0} MB: {(rss.Flat ? "flat" : "GROWING")}; of which mapped files {files.First:F0} -> {files.Last:F0} MB ({files.Slope:+0.00;-0.00} MB/min), its own memory {own.First:F0} -> {own.Last:F0} MB ({own.Slope:+0.00;-0.00} MB/min, {(own.Flat ? "flat" : "growing")}): compiled code {code.First:F0} -> {code.Last:F0} MB ({code.Slope:+0.00;-0.00} MB/min), heaps {heaps.First:F0} -> {heaps.Last:F0} MB ({heaps.Slope:+0.00;-0.00} MB/min)."));
    }

    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new
    {
        mode = "soak",
        minutes,
        cores = Environment.ProcessorCount,
        rounds,
        samples = samples.Select(s => new { s.Minute, s.RssMb, s.FileMb, s.CodeMb }),
        peakRssMb = services.ToDictionary(s => s.Name, s => PeakRssMb(s.Process.ProcessId))
    },
        new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"Soak {(flat ? "passed: memory stayed flat" : "FAILED: memory grew")}, {errors} errors; results written to {output}.");
    return flat && errors == 0 ? 0 : 1;
}

// Clients abandon requests (each round's end does when wrk closes its connections), and the gateway's first abandoned
// proxied call loads code once: HttpClient's diagnostics record the cancellation's stack trace, with line numbers read
// from the PDBs (about 3.6 MB; docs/performance.md, "Memory"). The warm-up abandons requests on purpose, so that this
// one-time load lands in it rather than, by chance, in a measured minute. Each is cancelled 0 to 3 ms after it is sent.
async Task AbandonRequestsThroughGatewayAsync()
{
    for (var i = 0; i < 200; i++)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.Url, $"/notes?q={words[i % words.Length]}"));
        request.Headers.Authorization = new("Bearer", tokens[i % users]);
        using var abandon = new CancellationTokenSource(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * 3));
        try
        {
            using var response = await http.SendAsync(request, abandon.Token);
        }
        catch (OperationCanceledException)
        {
            // Abandoned, as meant.
        }
    }
}

// A series' first measured minute, last minute and trend, and whether that is flat by the rule above.
static (double First, double Last, double Slope, bool Flat) Change(List<(double Minute, double Mb)> series)
{
    var first = series.Where(s => s.Minute < 2).Average(s => s.Mb);
    var last = series.Where(s => s.Minute >= series[^1].Minute - 1).Average(s => s.Mb);
    var slope = Slope(series);
    var minutes = series[^1].Minute - series[0].Minute;
    var allowed = Math.Max(5, first * 0.05);
    return (first, last, slope, last - first <= allowed && slope * minutes <= allowed);
}

// Least-squares slope of y over x.
static double Slope(List<(double X, double Y)> points)
{
    var (mx, my) = (points.Average(p => p.X), points.Average(p => p.Y));
    var den = points.Sum(p => (p.X - mx) * (p.X - mx));
    return den == 0 ? 0 : points.Sum(p => (p.X - mx) * (p.Y - my)) / den;
}

// Writes leave work behind in PostgreSQL (autovacuum of the tables and their GIN indexes, a checkpoint) that would
// otherwise land on whichever group runs next, at a moment of autovacuum's choosing. Each group starts once it is
// done, planned with fresh statistics in every database.
async Task SettlePostgresAsync()
{
    var settling = Stopwatch.StartNew();
    foreach (var database in new[] { LocalStack.AuthDatabase, LocalStack.NotesDatabase })
    {
        await ExecuteSqlAsync(database, "VACUUM (ANALYZE)");
        await ExecuteSqlAsync(database, "CHECKPOINT");
    }

    Console.WriteLine(FormattableString.Invariant($"  (PostgreSQL vacuumed, analyzed and checkpointed in {settling.Elapsed.TotalSeconds:F1} s)"));
}

// One statement, run directly in a database of the local stack's PostgreSQL, without a time limit.
async Task ExecuteSqlAsync(string database, string sql)
{
    await using var connection = new NpgsqlConnection(stack.Postgres.ConnectionString(database));
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
    await command.ExecuteNonQueryAsync();
}

// New access tokens for the seeded users, by refreshing their sessions.
async Task RenewTokensAsync()
{
    await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
    {
        using var response = await http.PostAsJsonAsync(new Uri(auth.Url, "/auth/refresh"), new { refresh_token = sessions[i] }, ct);
        response.EnsureSuccessStatusCode();
        var renewed = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        (tokens[i], sessions[i]) = (renewed.GetProperty("access_token").GetString()!, renewed.GetProperty("refresh_token").GetString()!);
    });
}

// A run of its own (tracing slows the service down) at the highest connection count, traced after a second of load.
async Task ProfileAsync(string name, string script, Uri target, int c, int processId)
{
    var load = RunWrkAsync(Path.Combine(scripts, script), target, c, duration + 2, await WriteDataAsync(name == "auth refresh" ? await RefreshTokensAsync(c) : null));
    await Task.Delay(TimeSpan.FromSeconds(1));
    var file = $"{Path.ChangeExtension(output, null)}-{profile}-{string.Concat(name.Where(char.IsAsciiLetterOrDigit))}";
    var speedscope = await Profiler.CollectAsync(processId, TimeSpan.FromSeconds(duration), file);
    await load;
    Console.WriteLine($"    {profile} CPU profile at {c} connections ({speedscope}), share of busy samples:");
    foreach (var (category, percent) in Profiler.Summarize(speedscope))
    {
        Console.WriteLine(FormattableString.Invariant($"      {category,-34} {percent,5:F1}%"));
    }

    Console.WriteLine($"    the same samples, each counted once, under the innermost part of the request in its stack:");
    foreach (var (part, percent) in Profiler.Attribute(speedscope).Where(p => p.Percent >= 0.05))
    {
        Console.WriteLine(FormattableString.Invariant($"      {part,-66} {percent,5:F1}%"));
    }
}

// Signs in as a browser does, through the gateway, and returns the cookies to send.
async Task<string> SignInThroughWebAsync(string email)
{
    using var browser = new WebFormClient(gateway.Url);
    var (signedIn, _) = await browser.SignInAsync(email, Password);
    var (status, page) = await browser.GetAsync("/");
    if (signedIn != HttpStatusCode.Redirect || status != HttpStatusCode.OK || !page.Contains($"web note {WebUserNotes - 1} ", StringComparison.Ordinal))
    {
        throw new InvalidOperationException($"Signing in through Memo.Web failed: {(int)signedIn}, then {(int)status} for /.");
    }

    return browser.CookieHeader;
}

async Task<JsonElement> LoginAsync(string email, CancellationToken ct)
{
    using var response = await http.PostAsJsonAsync(new Uri(auth.Url, "/auth/login"), new { email, password = Password }, ct);
    response.EnsureSuccessStatusCode();
    return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
}

// Fresh sessions for each refresh run (the last run spent the previous ones), split over wrk's two threads: each
// connection spends one and goes on with the one its response returns.
async Task<string[][]> RefreshTokensAsync(int c)
{
    var all = new string[c + 4];
    await Parallel.ForEachAsync(Enumerable.Range(0, all.Length), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (i, ct) =>
        all[i] = (await LoginAsync(emails[i % users], ct)).GetProperty("refresh_token").GetString()!);
    return [all[..(all.Length / 2)], all[(all.Length / 2)..]];
}

async Task<string> WriteDataAsync(string[][]? refresh)
{
    var lua = new StringBuilder();
    lua.Append("password = \"").Append(Password).AppendLine("\"");
    lua.Append("tokens = {").AppendJoin(",", tokens.Select(t => $"\"{t}\"")).AppendLine("}");
    lua.Append("emails = {").AppendJoin(",", emails.Select(e => $"\"{e}\"")).AppendLine("}");
    lua.Append("notes = {").AppendJoin(",", noteIds.Take(5000).Select(n => $"{{{n.User + 1},\"{n.Id}\"}}")).AppendLine("}");
    lua.Append("refresh = {").AppendJoin(",", (refresh ?? []).Select(q => "{" + string.Join(",", q.Select(t => $"\"{t}\"")) + "}")).AppendLine("}");
    lua.Append("web_cookie = \"").Append(webCookie).AppendLine("\"");
    var path = Path.Combine(stack.LogDirectory, "bench-data.lua");
    await File.WriteAllTextAsync(path, lua.ToString());
    return path;
}

async Task<(JsonElement Json, double CpuSeconds)> RunWrkAsync(string script, Uri target, int c, int seconds, string dataFile)
{
    // bash's `times` reports the CPU its children (wrk) used.
    var info = new ProcessStartInfo("bash", ["-c", $"wrk -t{Math.Min(2, c)} -c{c} -d{seconds}s --timeout 5s -s '{script}' '{target}' && times"])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    info.Environment["BENCH_DIR"] = Path.GetDirectoryName(script)!;
    info.Environment["BENCH_DATA"] = dataFile;
    using var wrk = Process.Start(info)!;
    var stdout = await wrk.StandardOutput.ReadToEndAsync();
    var stderr = await wrk.StandardError.ReadToEndAsync();
    await wrk.WaitForExitAsync();
    var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    var json = lines.LastOrDefault(l => l.StartsWith('{')) ?? throw new InvalidOperationException($"wrk failed:\n{stdout}\n{stderr}");
    var children = lines[^1].Split(' ').Select(ParseBashTime).Sum();
    return (JsonDocument.Parse(json).RootElement.Clone(), children);
}

static double ParseBashTime(string text) // "1m2.345s"
{
    var m = text.Split('m');
    return double.Parse(m[0], CultureInfo.InvariantCulture) * 60 + double.Parse(m[1].TrimEnd('s'), CultureInfo.InvariantCulture);
}

(double Auth, double Notes, double Web, double Gateway, double Machine) Snapshot(ServiceProcess app) =>
    (CpuSeconds(auth.ProcessId), CpuSeconds(app.ProcessId), CpuSeconds(web.ProcessId), CpuSeconds(gateway.ProcessId), MachineBusySeconds());

static double CpuSeconds(int pid)
{
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0; // utime + stime, in USER_HZ
}

static double MachineBusySeconds()
{
    var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..].Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    return (cpu.Sum() - cpu[3] - cpu[4]) / 100.0; // all but idle and iowait
}

static double PeakRssMb(int pid) => StatusMb(File.ReadAllLines($"/proc/{pid}/status"), "VmHWM:");

// RSS, its mapped files and its compiled code from one read of /proc/<pid>/status, so that all describe the same moment.
static (double Rss, double Files, double Code) RssMb(int pid)
{
    var status = File.ReadAllLines($"/proc/{pid}/status");
    return (StatusMb(status, "VmRSS:"), StatusMb(status, "RssFile:"), StatusMb(status, "RssShmem:"));
}

static double StatusMb(string[] status, string field) =>
    status.Where(l => l.StartsWith(field, StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0).Single();

int IntArg(string name, int fallback) => int.TryParse(StringArg(name, ""), out var v) ? v : fallback;

string StringArg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

internal sealed record Scenario(string Name, string Script, Uri Target, int[] Connections, string Group, ServiceProcess App);

// Errors: responses without the scenario's expected status, and socket errors (timeouts included).
internal sealed record Result(string Scenario, string Group, int Connections, int DurationSeconds, double RequestsPerSecond, double? FloorRatio, double P50Ms, double P90Ms, double P95Ms,
    double P99Ms, long Non2xx, long Errors, double AuthCpuSeconds, double NotesCpuSeconds, double WebCpuSeconds, double GatewayCpuSeconds,
    double WrkCpuSeconds, double OtherCpuSeconds, double AuthPeakRssMb, double NotesPeakRssMb, double WebPeakRssMb, double GatewayPeakRssMb);
