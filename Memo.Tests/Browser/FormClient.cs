using System.Net;
using System.Text.RegularExpressions;

using Memo.Tests.Hosting;

namespace Memo.Tests.Browser;

/// <summary>
/// Memo.Web's sign-in form over plain HTTP, from a chosen loopback address: a second client with an address of its own,
/// which Chromium here cannot have. Cookies are kept by hand: they are Secure, which HttpClient keeps off plain http.
/// </summary>
public sealed partial class FormClient(Uri site, IPAddress from) : IDisposable
{
    private readonly Dictionary<string, string> _cookies = [];
    private readonly HttpClient _http = CreateClient(site, from);

    /// <summary>Posts the sign-in form and returns the page that answers it (the same page with a message, when refused).</summary>
    public async Task<(HttpStatusCode Status, string Page)> SignInAsync(string email, string password)
    {
        var form = await SendAsync(HttpMethod.Get, "/signin");
        var token = AntiforgeryField().Match(form.Page).Groups[1].Value;
        return await SendAsync(HttpMethod.Post, "/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, string Page)> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        using var response = await _http.SendAsync(request);
        foreach (var cookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = cookie.Split(';')[0].Split('=', 2);
            _cookies[pair[0]] = pair[1];
        }

        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static HttpClient CreateClient(Uri site, IPAddress from)
    {
        var handler = MemoClient.Handler(from);
        handler.UseCookies = false;
        handler.AllowAutoRedirect = false;
        return new HttpClient(handler) { BaseAddress = site, Timeout = TimeSpan.FromSeconds(30) };
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
