using Dapper;
using OutageAlerts.Storage;
using OutageAlerts.Storage.Retention;

namespace OutageAlerts.Incidents.Persistence;

/// <summary>
/// Deletes incidents whose last report was both published and received before the retention cutoff, with their
/// reports and published versions. No report can still join them: the correlation window and the quiet period that
/// closes an incident are far shorter than the shortest retention period.
/// </summary>
internal sealed class IncidentRetention(IStore store) : IStoreRetention
{
    // The same rows for the three deletes: ordered, and nothing else writes incidents this old.
    private const string Expired = """
        SELECT id FROM incidents WHERE last_published < @cutoff AND last_activity < @cutoff
        ORDER BY last_published, id LIMIT @limit
        """;

    public string Area => "incidents";

    public Task<int> PurgeAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        store.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var args = new { cutoff = cutoff.ToUnixTimeMilliseconds(), limit };
                var reports = await connection.ExecuteAsync(new CommandDefinition(
                    $"DELETE FROM incident_reports WHERE incident_id IN ({Expired})", args, transaction, cancellationToken: ct));
                var versions = await connection.ExecuteAsync(new CommandDefinition(
                    $"DELETE FROM incident_versions WHERE alert_id IN ({Expired})", args, transaction, cancellationToken: ct));
                var incidents = await connection.ExecuteAsync(new CommandDefinition(
                    $"DELETE FROM incidents WHERE id IN ({Expired})", args, transaction, cancellationToken: ct));
                return reports + versions + incidents;
            },
            cancellationToken);
}
