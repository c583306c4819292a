using Dapper;
using OutageAlerts.Storage;
using OutageAlerts.Storage.Retention;

namespace OutageAlerts.Delivery.Log;

/// <summary>
/// Deletes the delivery role's rows older than the retention cutoff: delivery log entries untouched since then,
/// archived and current alerts sent before it, digest entries and finished digests, SMS delivery reports and retries
/// that fell due before it. Per table at most the batch limit per write, oldest first.
/// </summary>
internal sealed class DeliveryRetention(IStore store) : IStoreRetention
{
    private static readonly string[] Deletes =
    [
        """
        DELETE FROM delivery_log WHERE (alert_id, version, subscription_id) IN (
            SELECT alert_id, version, subscription_id FROM delivery_log
            WHERE created_at < @cutoff AND updated_at < @cutoff ORDER BY created_at LIMIT @limit)
        """,
        """
        DELETE FROM delivery_alerts WHERE (alert_id, version) IN (
            SELECT alert_id, version FROM delivery_alerts WHERE sent_at < @cutoff ORDER BY sent_at LIMIT @limit)
        """,
        """
        DELETE FROM current_alerts WHERE alert_id IN (
            SELECT alert_id FROM current_alerts WHERE sent_at < @cutoff ORDER BY sent_at LIMIT @limit)
        """,
        """
        DELETE FROM digest_entries WHERE (subscription_id, alert_id, version) IN (
            SELECT subscription_id, alert_id, version FROM digest_entries WHERE due_at < @cutoff ORDER BY due_at LIMIT @limit)
        """,
        """
        DELETE FROM digests WHERE id IN (
            SELECT id FROM digests WHERE status <> 'Pending' AND updated_at < @cutoff ORDER BY updated_at LIMIT @limit)
        """,
        """
        DELETE FROM delivery_sms_status WHERE message_sid IN (
            SELECT message_sid FROM delivery_sms_status WHERE received_at < @cutoff ORDER BY received_at LIMIT @limit)
        """,
        """
        DELETE FROM delivery_retries WHERE (alert_id, version, subscription_id) IN (
            SELECT alert_id, version, subscription_id FROM delivery_retries WHERE due_at < @cutoff ORDER BY due_at LIMIT @limit)
        """,
    ];

    public string Area => "delivery";

    public Task<int> PurgeAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        store.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var args = new { cutoff = cutoff.ToUnixTimeMilliseconds(), limit };
                var deleted = 0;
                foreach (var sql in Deletes)
                {
                    deleted += await connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: ct));
                }

                return deleted;
            },
            cancellationToken);
}
