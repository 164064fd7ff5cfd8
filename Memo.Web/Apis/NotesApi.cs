using System.Globalization;
using System.Net;
using System.Net.Http.Json;

using Memo.Web.Errors;
using Memo.Web.Sessions;

using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Memo.Web.Apis;

/// <summary>
/// Memo.Notes on behalf of the signed-in browser session of this request or interactive circuit
/// (its session id comes from the authentication state; <see cref="AccessTokenHandler"/> adds the token).
/// </summary>
public sealed class NotesApi(HttpClient http, AuthenticationStateProvider authentication, RequestSession session)
{
    public const int PageSize = 20;

    public async Task<NotePage> ListAsync(string? query, string? tag, string? cursor, CancellationToken ct)
    {
        var path = QueryHelpers.AddQueryString("/notes", new Dictionary<string, string?>
        {
            ["limit"] = PageSize.ToString(CultureInfo.InvariantCulture),
            ["q"] = string.IsNullOrWhiteSpace(query) ? null : query.Trim(),
            ["tag"] = string.IsNullOrWhiteSpace(tag) ? null : tag,
            ["cursor"] = cursor,
        });
        using var response = await SendAsync(HttpMethod.Get, path, null, ct);
        return await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<NotePage>(ct) ?? new NotePage([], null);
    }

    /// <summary>The note, or null when it does not exist (or belongs to someone else).</summary>
    public async Task<Note?> GetAsync(Guid id, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/notes/{id}", null, ct);
        return response.StatusCode == HttpStatusCode.NotFound
            ? null
            : await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Note>(ct);
    }

    public Task<SaveResult> CreateAsync(NoteInput note, CancellationToken ct) => SaveAsync(HttpMethod.Post, "/notes", note, null, ct);

    /// <summary>Replaces the note if it is still at <paramref name="version"/>.</summary>
    public Task<SaveResult> UpdateAsync(Guid id, NoteInput note, int version, CancellationToken ct) =>
        SaveAsync(HttpMethod.Put, $"/notes/{id}", note, version, ct);

    /// <summary>False when the note was already gone.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"/notes/{id}", null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        response.EnsureSuccessStatusCode();
        return true;
    }

    /// <summary>
    /// Every note of the session's user as Notes streams it (a JSON array): the body is not read here, so the caller
    /// copies it on and disposes the response. Takes the session id, as it is called from an endpoint, outside Blazor.
    /// </summary>
    public async Task<HttpResponseMessage> ExportAsync(string sessionId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/notes/export");
        session.Attach(request, sessionId);
        var response = await http.SendToAsync(MemoService.Notes, request, ct, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new HttpRequestException($"Memo.Notes answered {(int)response.StatusCode} to an export.", null, response.StatusCode);
        }

        return response;
    }

    private async Task<SaveResult> SaveAsync(HttpMethod method, string path, NoteInput note, int? version, CancellationToken ct)
    {
        using var response = await SendAsync(method, path, note, ct, request =>
        {
            if (version is { } v)
            {
                request.Headers.TryAddWithoutValidation(HeaderNames.IfMatch, $"\"{v.ToString(CultureInfo.InvariantCulture)}\"");
            }
        });
        return response.StatusCode switch
        {
            HttpStatusCode.BadRequest => new SaveResult.Invalid(await response.ReadFieldErrorsAsync(ct)),
            HttpStatusCode.PreconditionFailed => new SaveResult.Changed(),
            HttpStatusCode.NotFound => new SaveResult.Missing(),
            _ => new SaveResult.Saved((await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Note>(ct))!),
        };
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        session.Attach(request, await SessionIdAsync());
        configure?.Invoke(request);
        return await http.SendToAsync(MemoService.Notes, request, ct);
    }

    private async Task<string> SessionIdAsync() => SessionCookie.SessionId((await authentication.GetAuthenticationStateAsync()).User);
}
