using System.Security.Claims;

using Memo.ServiceDefaults.Authentication;

using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.Hosting;

public static class AuthenticationExtensions
{
    /// <summary>
    /// Bearer authentication with Memo access tokens: ES256 or RS256, each key pinned to the algorithm it is published
    /// for, <c>typ</c> at+jwt, issuer, audience and lifetime checked
    /// with at most 30 s of clock skew, keys from the service's <see cref="ISigningKeySource"/>, and sessions refused once
    /// <see cref="ISessionRevocations"/> says they ended. Failures answer 401 problem details.
    /// </summary>
    public static TBuilder AddMemoAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddValidatedOptions<JwtOptions>(JwtOptions.SectionName);
        builder.Services.AddSingleton<CachingTokenHandler>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>, ISigningKeySource, CachingTokenHandler>((options, jwt, keys, handler) =>
            {
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(handler);
                options.MapInboundClaims = false;
                options.SaveToken = false; // nothing reads it back; storing it costs an allocation per request
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Value.Issuer,
                    ValidAudience = jwt.Value.Audience,
                    // Only ES256 and RS256, and a key verifies only its own algorithm: a token cannot choose how its
                    // signature is checked (RFC 8725, section 3.1). (With a validator, ValidAlgorithms would go unread.)
                    AlgorithmValidator = (algorithm, key, _, _) =>
                        JwtOptions.Algorithms.Contains(algorithm) && keys.Find(key.KeyId)?.Algorithm == algorithm,
                    ValidTypes = [JwtOptions.TokenType],
                    ClockSkew = JwtOptions.ClockSkew,
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ValidateIssuerSigningKey = true,
                    IssuerSigningKeyResolver = (_, _, kid, _) => keys.Find(kid) is { } key ? [key.Key] : [],
                    NameClaimType = JwtRegisteredClaimNames.Sub,
                };
                options.Events = new JwtBearerEvents
                {
                    OnTokenValidated = RefuseRevokedSessionAsync,
                    OnChallenge = WriteProblemAsync,
                };
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>The user id (<c>sub</c>) of an authenticated request.</summary>
    public static Guid GetUserId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? throw new InvalidOperationException("No sub claim."));

    /// <summary>The session id (<c>sid</c>) of an authenticated request.</summary>
    public static Guid GetSessionId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(JwtRegisteredClaimNames.Sid) ?? throw new InvalidOperationException("No sid claim."));

    private static async Task RefuseRevokedSessionAsync(TokenValidatedContext context)
    {
        var revocations = context.HttpContext.RequestServices.GetRequiredService<ISessionRevocations>();
        var sid = context.Principal?.FindFirstValue(JwtRegisteredClaimNames.Sid);
        var sub = context.Principal?.FindFirstValue(JwtRegisteredClaimNames.Sub);
        if (!Guid.TryParse(sid, out _) || !Guid.TryParse(sub, out _))
        {
            context.Fail("The token lacks a valid sub or sid claim.");
        }
        else if (await revocations.IsRevokedAsync(sid!, context.HttpContext.RequestAborted))
        {
            context.Fail("The session has ended.");
        }
    }

    private static async Task WriteProblemAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = context.AuthenticateFailure is null
                    ? "This request needs a bearer access token."
                    : "The access token is invalid, expired or revoked.",
            },
        });
    }
}
