using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Memo.Tests.Hosting;

public sealed record Tokens(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken,
    [property: JsonPropertyName("refresh_token_expires_in")] long RefreshTokenExpiresIn,
    [property: JsonPropertyName("device_token")] string? DeviceToken = null);

public sealed record TestUser(Guid Id, string Email, string Password, Tokens Tokens);

public sealed record NoteBody(string Title, string Content, string[]? Tags = null);

public sealed record NoteDto(Guid Id, string Title, string Content, string[] Tags, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version);

public sealed record NotePageDto(NoteDto[] Items, string? NextCursor);

/// <summary>
/// Plain HTTP calls to a <see cref="IMemoHost"/>: what any client of Memo would send. With <paramref name="from"/>, its
/// connections leave from that loopback address (127.0.0.2, 127.0.0.3...), so tests can act as distinct clients.
/// </summary>
public sealed class MemoClient(IMemoHost host, IPAddress? from = null) : IDisposable
{
    public const string Password = "correct horse battery";
    private readonly HttpClient _http = new(Handler(from)) { Timeout = TimeSpan.FromSeconds(30) };

    public IMemoHost Host => host;

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    public Task<HttpResponseMessage> Auth(HttpMethod method, string path, object? body = null, string? token = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = Request(method, new Uri(host.AuthUrl, path), body, token);
        configure?.Invoke(request);
        return SendAsync(request);
    }

    public Task<HttpResponseMessage> Notes(HttpMethod method, string path, object? body = null, string? token = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = Request(method, new Uri(host.NotesUrl, path), body, token);
        configure?.Invoke(request);
        return SendAsync(request);
    }

    /// <summary>A GET to an address of its own: a service behind the gateway (<see cref="IMemoHost.AuthServiceUrl"/>), the gateway's health.</summary>
    public Task<HttpResponseMessage> Get(Uri baseAddress, string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, path)));

    /// <summary>Registers a fresh user and logs in.</summary>
    public async Task<TestUser> NewUserAsync()
    {
        var email = $"user-{Guid.NewGuid():N}@example.com";
        using var registered = await Auth(HttpMethod.Post, "/auth/register", new { email, password = Password });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        return new TestUser(id, email, Password, await LoginAsync(email, Password));
    }

    public async Task<Tokens> LoginAsync(string email, string password, string? deviceToken = null)
    {
        using var response = await Auth(HttpMethod.Post, "/auth/login", new { email, password, device_token = deviceToken });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Tokens>())!;
    }

    public async Task<NoteDto> CreateNoteAsync(string token, NoteBody body)
    {
        using var response = await Notes(HttpMethod.Post, "/notes", body, token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<NoteDto>())!;
    }

    public async Task<NotePageDto> ListAsync(string token, string query = "")
    {
        using var response = await Notes(HttpMethod.Get, "/notes" + query, token: token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<NotePageDto>())!;
    }

    /// <summary>Polls until <paramref name="status"/> comes back or the deadline passes; returns the time it took.</summary>
    public async Task<TimeSpan> WaitForStatusAsync(Func<Task<HttpResponseMessage>> call, HttpStatusCode status, TimeSpan deadline)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await call();
                if (response.StatusCode == status)
                {
                    return clock.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // The service is not answering right now; keep polling.
            }

            Assert.True(clock.Elapsed < deadline, $"No {(int)status} within {deadline}.");
            await Task.Delay(50);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A handler whose connections leave from <paramref name="from"/> (any loopback address), or the default one.</summary>
    public static SocketsHttpHandler Handler(IPAddress? from) => from is null ? new() : new()
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(from.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private static HttpRequestMessage Request(HttpMethod method, Uri uri, object? body, string? token)
    {
        var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }
}
