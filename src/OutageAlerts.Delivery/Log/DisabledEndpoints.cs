using Dapper;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Admin;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Storage;

namespace OutageAlerts.Delivery.Log;

/// <summary>A webhook endpoint that answered 410 Gone, and so receives nothing more.</summary>
public sealed record DisabledEndpoint(string SubscriptionId, string Recipient, string Reason, DateTimeOffset DisabledAt);

/// <summary>
/// Webhook endpoints turned off because their receiver said they are gone. Keyed by subscription and the
/// endpoint (URL without query), so pointing the subscription at a new URL sends to it again.
/// </summary>
public sealed class DisabledEndpoints(IStore store, TimeProvider time, IOptionsMonitor<AdminOptions>? options = null)
{
    // Every webhook delivery asks; the answer is nearly always "no", and the list is short. Writes in this process
    // drop the snapshot at once; another replica's 410 shows here within the cache duration (issue 10).
    private readonly StoreSnapshotCache<Dictionary<(string SubscriptionId, string Recipient), DisabledEndpoint>> _snapshot = new(
        ct => LoadAsync(store, ct), time, () => options?.CurrentValue.CacheDuration ?? AdminOptions.DefaultCacheDuration);

    public const string MigrationId = "0112-delivery-disabled-endpoints";

    public const string MigrationSql = """
        CREATE TABLE IF NOT EXISTS delivery_disabled_endpoints (
            subscription_id TEXT NOT NULL,
            recipient TEXT NOT NULL,
            reason TEXT NOT NULL,
            disabled_at BIGINT NOT NULL,
            PRIMARY KEY (subscription_id, recipient)
        );
        """;

    private const int MaxReasonLength = 500;

    public async Task DisableAsync(string subscriptionId, string recipient, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO delivery_disabled_endpoints (subscription_id, recipient, reason, disabled_at)
                VALUES (@SubscriptionId, @Recipient, @Reason, @Now)
                ON CONFLICT (subscription_id, recipient) DO NOTHING
                """,
                new
                {
                    SubscriptionId = subscriptionId, Recipient = recipient,
                    Reason = reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason,
                    Now = now,
                },
                transaction,
                cancellationToken: ct)),
            cancellationToken);
        _snapshot.Invalidate();
    }

    public async Task<DisabledEndpoint?> FindAsync(string subscriptionId, string recipient, CancellationToken cancellationToken = default)
    {
        var disabled = await _snapshot.GetAsync(cancellationToken);
        return disabled.GetValueOrDefault((subscriptionId, recipient));
    }

    public async Task<IReadOnlyList<DisabledEndpoint>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"{SelectColumns} ORDER BY disabled_at, subscription_id", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToEndpoint())];
    }

    /// <summary>Turns the subscription's endpoints back on, once its owner says the receiver is back.</summary>
    public async Task<int> EnableAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        var enabled = await store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM delivery_disabled_endpoints WHERE subscription_id = @SubscriptionId",
                new { SubscriptionId = subscriptionId },
                transaction,
                cancellationToken: ct)),
            cancellationToken);
        _snapshot.Invalidate();
        return enabled;
    }

    private static async Task<Dictionary<(string SubscriptionId, string Recipient), DisabledEndpoint>> LoadAsync(IStore store, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(SelectColumns, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToEndpoint()).ToDictionary(e => (e.SubscriptionId, e.Recipient));
    }

    private const string SelectColumns = """
        SELECT subscription_id AS SubscriptionId, recipient AS Recipient, reason AS Reason, disabled_at AS DisabledAt
        FROM delivery_disabled_endpoints
        """;

    private sealed class Row
    {
        public string SubscriptionId { get; set; } = "";
        public string Recipient { get; set; } = "";
        public string Reason { get; set; } = "";
        public long DisabledAt { get; set; }

        public DisabledEndpoint ToEndpoint() =>
            new(SubscriptionId, Recipient, Reason, DateTimeOffset.FromUnixTimeMilliseconds(DisabledAt));
    }
}
