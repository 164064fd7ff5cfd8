using Microsoft.Extensions.Configuration;

namespace Memo.ServiceDefaults.Data;

internal static class RequiredSettings
{
    /// <summary>Reads a connection string the way Aspire injects it, or stops the service naming the variable to set.</summary>
    public static string ConnectionString(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Missing required setting ConnectionStrings:{name} (environment variable ConnectionStrings__{name}).");
}
