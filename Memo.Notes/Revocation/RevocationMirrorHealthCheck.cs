using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Memo.Notes.Revocation;

/// <summary>Not ready until the mirror has read the revocation cache once: until then a revoked token would pass.</summary>
public sealed class RevocationMirrorHealthCheck(RevocationMirror mirror) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(mirror.IsSynced
            ? HealthCheckResult.Healthy($"{mirror.Count} revoked session(s) known.")
            : HealthCheckResult.Unhealthy("The revocation cache has not been read yet."));
}
