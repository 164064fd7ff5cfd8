using System.Net;
using System.Net.Http.Json;

using Memo.Web.Errors;
using Memo.Web.Sessions;

using Microsoft.Extensions.Http.Resilience;

using Polly;

namespace Memo.Web.Apis;

public static class ApiClients
{
    /// <summary>Memo.Auth and Memo.Notes, found by service discovery as <c>auth</c> and <c>notes</c>; calls on a session carry its access token.</summary>
    public static IServiceCollection AddMemoApis(this IServiceCollection services)
    {
        services.AddTransient<AccessTokenHandler>();
        services.AddHttpClient<AuthApi>(http => http.BaseAddress = new Uri("https+http://auth"))
            .ForPeopleWaiting()
            .AddHttpMessageHandler<AccessTokenHandler>();
        services.AddHttpClient<NotesApi>(http => http.BaseAddress = new Uri("https+http://notes"))
            .ForPeopleWaiting()
            .AddHttpMessageHandler<AccessTokenHandler>();
        return services;
    }

    /// <summary>
    /// Sends <paramref name="request"/>; an unreachable service, a timeout or a server error becomes a
    /// <see cref="ServiceUnavailableException"/> naming <paramref name="service"/>. With
    /// <see cref="HttpCompletionOption.ResponseHeadersRead"/> the body is left to stream.
    /// </summary>
    public static async Task<HttpResponseMessage> SendToAsync(this HttpClient http, MemoService service, HttpRequestMessage request, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, ct);
        }
        catch (Exception e) when (e is HttpRequestException or ExecutionRejectedException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new ServiceUnavailableException(service, e);
        }

        if (response.StatusCode >= HttpStatusCode.InternalServerError)
        {
            response.Dispose();
            throw new ServiceUnavailableException(service);
        }

        return response;
    }

    public static async Task<FieldErrors> ReadFieldErrorsAsync(this HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<Problem>(ct) is { Errors: { } errors } ? new FieldErrors(errors) : FieldErrors.None;
        }
        catch (System.Text.Json.JsonException)
        {
            return FieldErrors.None;
        }
    }

    // Someone is waiting for the page: fail within seconds so a banner can offer a retry (the service defaults retry
    // for about 15 s), never repeat a write, and never sleep through a Retry-After meant for a person.
    private static IHttpClientBuilder ForPeopleWaiting(this IHttpClientBuilder http)
    {
        // Replaces the handler the service defaults add to every client: the supported way, marked experimental.
#pragma warning disable EXTEXP0001
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        http.AddStandardResilienceHandler(options =>
        {
            options.Retry.DisableForUnsafeHttpMethods();
            options.Retry.MaxRetryAttempts = 2;
            options.Retry.Delay = TimeSpan.FromMilliseconds(100);
            options.Retry.ShouldRetryAfterHeader = false;
            options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
            options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(10);
            options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
        });
        return http;
    }
}
