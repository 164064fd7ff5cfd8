using System.Collections.Concurrent;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Memo.Tests.Hosting;

public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A stand-in for a service behind a gateway that a test starts: it records every request the gateway forwards and
/// answers as the test says. It shows what a real service cannot: exactly which headers reached it, how many requests
/// got past the gateway's cache, an answer that never comes. Everything else is tested against the real services.
/// </summary>
public sealed class RecordingUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private RecordingUpstream(WebApplication app) => _app = app;

    public Uri Url => new(_app.Urls.Single());

    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    public IEnumerable<RecordedRequest> RequestsTo(string path) => _requests.Where(r => r.Path == path);

    public static async Task<RecordingUpstream> StartAsync(Func<HttpContext, Task> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var upstream = new RecordingUpstream(builder.Build());
        upstream._app.Run(context =>
        {
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            upstream._requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path, headers));
            return respond(context);
        });
        await upstream._app.StartAsync();
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
