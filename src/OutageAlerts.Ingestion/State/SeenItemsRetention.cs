using Dapper;
using OutageAlerts.Storage;
using OutageAlerts.Storage.Retention;

namespace OutageAlerts.Ingestion.State;

/// <summary>
/// Forgets items first seen before the retention cutoff. Safe because the poller never alerts on an item published
/// before that cutoff either: a feed that still lists such an item records it as seen again, silently. An undated
/// item cannot be aged: one that a feed keeps listing for longer than the whole period is processed again once its
/// record is gone (the correlator's own record of it is purged with its incident by then).
/// </summary>
internal sealed class SeenItemsRetention(IStore store) : IStoreRetention
{
    public const string MigrationId = "0103-ingestion-seen-items-first-seen";

    // Time-ordered: each new item's entry lands on the index's last page, so it costs little per poll.
    public const string MigrationSql = "CREATE INDEX ix_seen_items_first_seen ON seen_items (first_seen);";

    public string Area => "ingestion";

    public Task<int> PurgeAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM seen_items WHERE item_key IN (
                    SELECT item_key FROM seen_items WHERE first_seen < @cutoff ORDER BY first_seen LIMIT @limit)
                """,
                new { cutoff = cutoff.ToUnixTimeMilliseconds(), limit },
                transaction,
                cancellationToken: ct)),
            cancellationToken);
}
