using Memo.Notes.Accounts;
using Memo.Notes.Notes;
using Memo.Notes.Revocation;
using Memo.Notes.Tokens;
using Memo.ServiceDefaults.Authentication;


// The slim builder: no IIS, no HTTPS from configuration (TLS ends in front of the service), 2 to 3 MB less memory
// (docs/performance.md, "Memory").
var builder = WebApplication.CreateSlimBuilder(args);

builder.AddServiceDefaults();
builder.AddApiDefaults();
builder.AddPostgresDatabase("notesdb");
builder.AddRedisCache("cache");
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 256 * 1024);

builder.Services.AddValidatedOptions<JwksOptions>(JwksOptions.SectionName);
builder.Services.AddValidatedOptions<RevocationOptions>(RevocationOptions.SectionName);

// Memo.Auth is found by service discovery under the name "auth" (services__auth__http__0 and friends).
builder.RequireServiceEndpoint("auth");
builder.Services.AddHttpClient(JwksKeySource.HttpClientName, client => client.BaseAddress = new Uri("https+http://auth"));
builder.Services.AddSingleton<JwksKeySource>();
builder.Services.AddSingleton<ISigningKeySource>(sp => sp.GetRequiredService<JwksKeySource>());
builder.Services.AddHostedService<JwksRefresher>();

builder.Services.AddSingleton<RevocationMirror>();
builder.Services.AddSingleton<ISessionRevocations>(sp => sp.GetRequiredService<RevocationMirror>());
builder.Services.AddHostedService<RevocationMirrorSync>();
builder.Services.AddHealthChecks().AddCheck<RevocationMirrorHealthCheck>("revocations");

builder.Services.AddSingleton<NoteStore>();

builder.Services.AddValidatedOptions<AccountEventsOptions>(AccountEventsOptions.SectionName);
builder.Services.AddHostedService<AccountDeletionConsumer>();

builder.AddMemoAuthentication();
builder.Services.AddValidation();
builder.Services.WithoutDataProtectionAtStart();

var app = builder.Build();

await app.Services.MigrateDatabaseAsync(typeof(Program).Assembly);

app.UseApiDefaults();
app.MapNotes();

app.Run();
