using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Memo.Auth.Sessions;

public sealed record LoginRequest(
    [property: Required, StringLength(254)] string Email,
    [property: Required, StringLength(128)] string Password,
    [property: JsonPropertyName("device_token"), StringLength(256)]
    [property: Description("The device_token of an earlier successful login on this device, if any: failed logins elsewhere then do not slow this one. An invalid, expired or other account's token counts as none.")]
    string? DeviceToken = null);

public sealed record RefreshRequest(
    [property: JsonPropertyName("refresh_token"), Required, StringLength(256)] string RefreshToken);

/// <summary>OAuth 2.0 token response field names (RFC 6749 section 5.1), and the login throttle's device token.</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken,
    [property: JsonPropertyName("refresh_token_expires_in")] long RefreshTokenExpiresIn,
    [property: JsonPropertyName("device_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [property: Description("Login only: keep it on this device and send it with its next logins (request field device_token).")]
    string? DeviceToken = null);
