using System.Net;
using System.Text.RegularExpressions;

namespace Memo.DevHost.Infrastructure;

/// <summary>
/// Memo.Web's sign-in form over plain HTTP, posted as a browser posts it (the form's antiforgery token, the cookies
/// kept between requests): for the benchmark, and for tests that need a client Chromium cannot be, such as one at
/// another loopback address. Cookies are kept by hand: they are Secure, which HttpClient keeps off plain http.
/// </summary>
public sealed partial class WebFormClient(Uri site, SocketsHttpHandler? handler = null) : IDisposable
{
    private readonly Dictionary<string, string> _cookies = [];
    private readonly HttpClient _http = CreateClient(site, handler ?? new SocketsHttpHandler());

    /// <summary>The cookies this client holds, as a <c>Cookie</c> header.</summary>
    public string CookieHeader => string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}"));

    /// <summary>Posts the sign-in form: a redirect when signed in, else the same page with a message.</summary>
    public async Task<(HttpStatusCode Status, string Page)> SignInAsync(string email, string password)
    {
        var form = await GetAsync("/signin");
        var token = AntiforgeryField().Match(form.Page).Groups[1].Value;
        return await SendAsync(HttpMethod.Post, "/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    public Task<(HttpStatusCode Status, string Page)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, string Page)> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", CookieHeader);
        }

        using var response = await _http.SendAsync(request);
        foreach (var cookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = cookie.Split(';')[0].Split('=', 2);
            _cookies[pair[0]] = pair[1];
        }

        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static HttpClient CreateClient(Uri site, SocketsHttpHandler handler)
    {
        handler.UseCookies = false;
        handler.AllowAutoRedirect = false;
        return new HttpClient(handler) { BaseAddress = site, Timeout = TimeSpan.FromSeconds(30) };
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
