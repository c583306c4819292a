using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OutageAlerts.Storage;

/// <summary>Ready only when the store answers a query (and its schema is migrated).</summary>
public sealed class StoreHealthCheck(IStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await store.OpenAsync(cancellationToken);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
            return HealthCheckResult.Healthy($"{store.Provider} store reachable");
        }
#pragma warning disable CA1031 // A health check reports failures; it must not throw them.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy($"{store.Provider} store unreachable: {ex.GetType().Name}");
        }
    }
}
