using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Memo.Auth.Sessions;

public sealed record LoginRequest(
    [property: Required, StringLength(254)] string Email,
    [property: Required, StringLength(128)] string Password);

public sealed record RefreshRequest(
    [property: JsonPropertyName("refresh_token"), Required, StringLength(256)] string RefreshToken);

/// <summary>OAuth 2.0 token response field names (RFC 6749 section 5.1).</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken,
    [property: JsonPropertyName("refresh_token_expires_in")] long RefreshTokenExpiresIn);
