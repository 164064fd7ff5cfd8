using Memo.Auth.Accounts;
using Memo.Auth.Keys;
using Memo.Auth.Outbox;
using Memo.Auth.Passwords;
using Memo.Auth.PeriodicWork;
using Memo.Auth.Revocation;
using Memo.Auth.Sessions;
using Memo.Auth.Throttling;
using Memo.ServiceDefaults.Authentication;

using Microsoft.Extensions.Options;


// The slim builder: no IIS, no HTTPS from configuration (TLS ends in front of the service), 2 to 3 MB less memory
// (docs/performance.md, "Memory").
var builder = WebApplication.CreateSlimBuilder(args);

builder.AddServiceDefaults();
builder.AddApiDefaults();
builder.AddPostgresDatabase("authdb");
builder.AddRedisCache("cache");
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 64 * 1024);

builder.Services.AddValidatedOptions<TokenOptions>(TokenOptions.SectionName);
builder.Services.AddValidatedOptions<PasswordOptions>(PasswordOptions.SectionName);
builder.Services.AddValidatedOptions<LoginThrottleOptions>(LoginThrottleOptions.SectionName);
builder.Services.AddValidatedOptions<SigningKeyOptions>(SigningKeyOptions.SectionName);
builder.Services.AddValidatedOptions<OutboxOptions>(OutboxOptions.SectionName);

builder.Services.AddSingleton<SigningKeyStore>();
builder.Services.AddSingleton<ISigningKeySource>(sp => sp.GetRequiredService<SigningKeyStore>());
builder.Services.AddSingleton<TokenIssuer>();
builder.Services.AddSingleton<PasswordHasher>();
builder.Services.AddSingleton<UserStore>();
builder.Services.AddSingleton<SessionStore>();
builder.Services.AddSingleton<ISessionRevocations>(sp => sp.GetRequiredService<SessionStore>());
builder.Services.AddSingleton<ThrottlePolicy>();
builder.Services.AddSingleton<RedisFailureStore>();
builder.Services.AddSingleton<MemoryFailureStore>();
builder.Services.AddSingleton<LoginThrottle>();
builder.Services.AddSingleton<ThrottledPasswordCheck>();
builder.Services.AddSingleton<DeviceTokens>();
builder.Services.AddSingleton<RevocationPublisher>();
builder.Services.AddSingleton<OutboxStore>();
builder.Services.AddSingleton<OutboxRelay>();
builder.Services.AddPeriodicWorkRunner();
builder.Services.AddPeriodicWork<SigningKeyReloader>();
builder.Services.AddPeriodicWork<RevocationMirrorRepair>();
builder.Services.AddPeriodicWork<SessionCleanup>();
// The same instance the account deletion asks the runner to run, so that the runner keeps its runs from overlapping.
builder.Services.AddSingleton<IPeriodicWork>(sp => sp.GetRequiredService<OutboxRelay>());

builder.AddMemoAuthentication();
builder.Services.AddValidation();
builder.Services.WithoutDataProtectionAtStart();

var app = builder.Build();

await app.Services.MigrateDatabaseAsync(typeof(Program).Assembly);
var keys = app.Services.GetRequiredService<SigningKeyStore>();
await keys.InitializeAsync(CancellationToken.None);
// rotate-signing-key [ES256|RS256]: without an argument, the configured algorithm (SigningKeys:Algorithm).
if (args is ["rotate-signing-key", .. var rotation])
{
    var algorithm = rotation is [var named] ? named : app.Services.GetRequiredService<IOptions<SigningKeyOptions>>().Value.Algorithm;
    if (rotation.Length > 1 || !JwtOptions.Algorithms.Contains(algorithm))
    {
        Console.Error.WriteLine($"Usage: rotate-signing-key [{string.Join('|', JwtOptions.Algorithms)}]");
        Environment.ExitCode = 2;
        return;
    }

    Console.WriteLine($"New active signing key ({algorithm}): {await keys.RotateAsync(algorithm, CancellationToken.None)}");
    return;
}

await app.Services.GetRequiredService<DeviceTokens>().InitializeAsync(CancellationToken.None);

app.UsePeriodicWork();
app.UseApiDefaults();
app.MapKeys();
app.MapGroup("/auth").WithTags("Auth").WithNoStore().MapAccounts().MapSessions();

app.Run();
