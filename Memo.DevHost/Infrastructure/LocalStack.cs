using System.Text.Json;

namespace Memo.DevHost.Infrastructure;

/// <summary>
/// PostgreSQL and Redis as local processes, and the Memo services and the gateway wired to them with the configuration keys Aspire injects.
/// The one implementation behind the local run, the integration tests and the benchmark.
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    public const string AuthProject = "Memo.Auth";
    public const string NotesProject = "Memo.Notes";
    public const string WebProject = "Memo.Web";
    public const string GatewayProject = "Memo.Gateway";
    public const string AuthDatabase = "authdb";
    public const string NotesDatabase = "notesdb";
    public const string Cache = "cache";

    private readonly ScratchDirectory _scratch;

    private LocalStack(ScratchDirectory scratch, PostgresServer postgres, RedisServer redis)
    {
        _scratch = scratch;
        Postgres = postgres;
        Redis = redis;
    }

    public PostgresServer Postgres { get; }

    public RedisServer Redis { get; }

    /// <summary>Where the servers and services write their logs.</summary>
    public string LogDirectory => _scratch.Subdirectory("logs");

    /// <summary>Starts PostgreSQL (with <c>authdb</c> and <c>notesdb</c>) and Redis. Data lives in <paramref name="postgresDirectory"/> if given, else in a temporary directory.</summary>
    public static async Task<LocalStack> StartAsync(string? postgresDirectory = null, CancellationToken cancellationToken = default)
    {
        var scratch = ScratchDirectory.Create();
        PostgresServer? postgres = null;
        try
        {
            postgres = await PostgresServer.StartAsync(postgresDirectory ?? scratch.Subdirectory("postgres"), [AuthDatabase, NotesDatabase],
                cancellationToken: cancellationToken);
            var redis = await RedisServer.StartAsync(scratch.Subdirectory("redis"), cancellationToken: cancellationToken);
            return new LocalStack(scratch, postgres, redis);
        }
        catch
        {
            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            scratch.Dispose();
            throw;
        }
    }

    public Dictionary<string, string> AuthEnvironment() => new()
    {
        [$"ConnectionStrings__{AuthDatabase}"] = Postgres.ConnectionString(AuthDatabase),
        [$"ConnectionStrings__{Cache}"] = Redis.ConnectionString,
    };

    public Dictionary<string, string> NotesEnvironment(Uri auth) => new()
    {
        [$"ConnectionStrings__{NotesDatabase}"] = Postgres.ConnectionString(NotesDatabase),
        [$"ConnectionStrings__{Cache}"] = Redis.ConnectionString,
        ["services__auth__http__0"] = auth.ToString().TrimEnd('/'),
        // As the AppHost runs it: an 8 MB young generation, not one sized from the CPU's cache (docs/performance.md, "Memory").
        ["DOTNET_GCgen0size"] = "0x800000",
    };

    /// <summary>Memo.Web finds Auth and Notes as the gateway does, and keeps its sessions in the cache.</summary>
    public Dictionary<string, string> WebEnvironment(Uri auth, Uri notes) => new(GatewayEnvironment(auth, notes))
    {
        [$"ConnectionStrings__{Cache}"] = Redis.ConnectionString,
    };

    /// <summary>
    /// The gateway in front of <paramref name="auth"/> and <paramref name="notes"/>, and of Memo.Web at <paramref name="web"/>
    /// when given, found under the names Aspire gives them.
    /// </summary>
    public static Dictionary<string, string> GatewayEnvironment(Uri auth, Uri notes, Uri? web = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["services__auth__http__0"] = auth.ToString().TrimEnd('/'),
            ["services__notes__http__0"] = notes.ToString().TrimEnd('/'),
        };
        if (web is not null)
        {
            environment["services__web__http__0"] = web.ToString().TrimEnd('/');
        }

        return environment;
    }

    public Task<ServiceProcess> StartAuthAsync(IReadOnlyDictionary<string, string>? settings = null, int? port = null, CancellationToken cancellationToken = default) =>
        ServiceProcess.StartAsync(AuthProject, Merge(AuthEnvironment(), settings), LogDirectory, port, cancellationToken);

    /// <summary>
    /// Memo.Auth as the AWS CDK app configures its Lambda function (deploy/aws/lib/auth-function-environment.json), wired
    /// to this stack, run as Lambda would run it (<see cref="ServiceProcess.StartAsLambdaAsync"/>): from its build output,
    /// or from <paramref name="taskRoot"/> (a <c>dotnet publish</c> output).
    /// </summary>
    public async Task<ServiceProcess> StartAuthAsLambdaAsync(IReadOnlyDictionary<string, string>? settings = null, string? taskRoot = null,
        CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(ServiceProcess.RepositoryRoot, "deploy", "aws", "lib", "auth-function-environment.json");
        var function = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(path, cancellationToken))!;
        return await ServiceProcess.StartAsLambdaAsync(AuthProject, Merge(Merge(function, AuthEnvironment()), settings), LogDirectory, taskRoot, cancellationToken);
    }

    public Task<ServiceProcess> StartNotesAsync(Uri auth, IReadOnlyDictionary<string, string>? settings = null, int? port = null, CancellationToken cancellationToken = default) =>
        ServiceProcess.StartAsync(NotesProject, Merge(NotesEnvironment(auth), settings), LogDirectory, port, cancellationToken);

    public Task<ServiceProcess> StartWebAsync(Uri auth, Uri notes, IReadOnlyDictionary<string, string>? settings = null, int? port = null, CancellationToken cancellationToken = default) =>
        ServiceProcess.StartAsync(WebProject, Merge(WebEnvironment(auth, notes), settings), LogDirectory, port, cancellationToken);

    public Task<ServiceProcess> StartGatewayAsync(Uri auth, Uri notes, IReadOnlyDictionary<string, string>? settings = null, int? port = null,
        Uri? web = null, CancellationToken cancellationToken = default) =>
        ServiceProcess.StartAsync(GatewayProject, Merge(GatewayEnvironment(auth, notes, web), settings), LogDirectory, port, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
        _scratch.Dispose();
    }

    private static Dictionary<string, string> Merge(Dictionary<string, string> environment, IReadOnlyDictionary<string, string>? settings)
    {
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return environment;
    }
}
