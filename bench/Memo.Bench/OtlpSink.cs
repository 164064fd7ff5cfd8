using System.Net;

using Memo.DevHost.Infrastructure;

/// <summary>
/// An OTLP/HTTP endpoint that accepts every export and keeps nothing, so that a service's OpenTelemetry cost with an
/// exporter can be measured (serializing and sending spans and metrics) without a collector.
/// </summary>
internal sealed class OtlpSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private long _requests;
    private long _bytes;

    public OtlpSink()
    {
        Url = new Uri($"http://127.0.0.1:{Ports.FindFree()}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _ = AcceptAsync();
    }

    public Uri Url { get; }

    public long Requests => Interlocked.Read(ref _requests);

    public long Bytes => Interlocked.Read(ref _bytes);

    public void Dispose() => _listener.Close();

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            // An empty body is an empty Export*ServiceResponse: everything accepted.
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            Interlocked.Increment(ref _requests);
            Interlocked.Add(ref _bytes, body.Length);
            context.Response.ContentType = "application/x-protobuf";
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
