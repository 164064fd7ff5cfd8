// The local run: PostgreSQL, Redis, Memo.Auth, Memo.Notes, Memo.Web and Memo.Gateway in front of them, as processes on
// this machine, no containers, no Aspire. Data persists in .memo/ at the repository root. Ctrl-C stops everything.
using Memo.DevHost.Infrastructure;

var dataDirectory = Environment.GetEnvironmentVariable("MEMO_DATA") ?? Path.Combine(ServiceProcess.RepositoryRoot, ".memo", "postgres");
var development = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" };

using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopping.Cancel(); };
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stopping.Cancel(); });

Console.WriteLine("Starting PostgreSQL and Redis...");
await using var stack = await LocalStack.StartAsync(dataDirectory, stopping.Token);
await using var auth = await stack.StartAuthAsync(development, port: PortSetting("MEMO_AUTH_PORT", 5101), cancellationToken: stopping.Token);
await using var notes = await stack.StartNotesAsync(auth.Url, development, port: PortSetting("MEMO_NOTES_PORT", 5102), cancellationToken: stopping.Token);
await using var web = await stack.StartWebAsync(auth.Url, notes.Url, development, port: PortSetting("MEMO_WEB_PORT", 5103), cancellationToken: stopping.Token);
await using var gateway = await stack.StartGatewayAsync(auth.Url, notes.Url, development, port: PortSetting("MEMO_GATEWAY_PORT", 5100),
    web: web.Url, cancellationToken: stopping.Token);

Console.WriteLine($"""
    Memo is running at {gateway.Url}: open it in a browser (Memo.Web); /auth, /.well-known and /notes are the APIs.
      Memo.Gateway  {gateway.Url}   (the one address clients use)
      Memo.Web      {web.Url}   (behind the gateway)
      Memo.Auth     {auth.Url}   (behind the gateway; API reference: {auth.Url}scalar)
      Memo.Notes    {notes.Url}   (behind the gateway; API reference: {notes.Url}scalar)
      PostgreSQL    127.0.0.1:{stack.Postgres.Port}  data in {dataDirectory}
      Redis         {stack.Redis.ConnectionString}
      Logs          {stack.LogDirectory}
    Press Ctrl-C to stop.
    """);

try
{
    await Task.Delay(Timeout.Infinite, stopping.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("Stopping...");
}

static int PortSetting(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), out var port) ? port : fallback;
