using Dapper;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Storage;

namespace OutageAlerts.Delivery.Log;

/// <summary>A retry waiting in the store: which delivery, on which channel, and when it falls due.</summary>
public sealed record ScheduledRetry(DeliveryKey Key, DeliveryChannel Channel, DateTimeOffset DueAt);

/// <summary>
/// Retries kept in the store rather than in a broker's delayed messages (RabbitMQ here has no delay plugin) or
/// in memory, so a restart of the delivery process loses no pending retry. Replicas share the table: a retry is
/// claimed for a while by one of them before it is attempted.
/// </summary>
public sealed class DeliveryRetries(IStore store, TimeProvider time)
{
    public const string MigrationId = "0111-delivery-retries";

    public const string MigrationSql = """
        CREATE TABLE IF NOT EXISTS delivery_retries (
            alert_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            subscription_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            due_at BIGINT NOT NULL,
            claimed_until BIGINT NULL,
            PRIMARY KEY (alert_id, version, subscription_id)
        );
        CREATE INDEX IF NOT EXISTS ix_delivery_retries_due ON delivery_retries (due_at);
        """;

    /// <summary>Sets (or moves) the retry of a delivery to <paramref name="dueAt"/> and releases any claim on it.</summary>
    public async Task ScheduleAsync(DeliveryKey key, DeliveryChannel channel, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO delivery_retries (alert_id, version, subscription_id, channel, due_at, claimed_until)
                VALUES (@AlertId, @Version, @SubscriptionId, @Channel, @DueAt, NULL)
                ON CONFLICT (alert_id, version, subscription_id)
                DO UPDATE SET channel = excluded.channel, due_at = excluded.due_at, claimed_until = NULL
                """,
                new { key.AlertId, key.Version, key.SubscriptionId, Channel = channel.ToString(), DueAt = dueAt.ToUnixTimeMilliseconds() },
                transaction,
                cancellationToken: ct)),
            cancellationToken);
    }

    public async Task RemoveAsync(DeliveryKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM delivery_retries WHERE alert_id = @AlertId AND version = @Version AND subscription_id = @SubscriptionId",
                new { key.AlertId, key.Version, key.SubscriptionId },
                transaction,
                cancellationToken: ct)),
            cancellationToken);
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> retries that are due and not claimed by another replica, each for
    /// <paramref name="claimFor"/>; a replica that dies while holding one lets it fall due again afterwards.
    /// </summary>
    public async Task<IReadOnlyList<ScheduledRetry>> ClaimDueAsync(int limit, TimeSpan claimFor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return await store.WriteAsync<IReadOnlyList<ScheduledRetry>>(
            async (connection, transaction, ct) =>
            {
                var candidates = await connection.QueryAsync<Row>(new CommandDefinition(
                    $"""
                    {SelectColumns}
                    WHERE due_at <= @Now AND (claimed_until IS NULL OR claimed_until <= @Now)
                    ORDER BY due_at
                    LIMIT @Limit
                    """,
                    new { Now = now, Limit = limit },
                    transaction,
                    cancellationToken: ct));

                var claimed = new List<ScheduledRetry>();
                foreach (var row in candidates)
                {
                    // The same condition again, in one statement: of two replicas that read the row, only one updates it.
                    var updated = await connection.ExecuteAsync(new CommandDefinition(
                        """
                        UPDATE delivery_retries SET claimed_until = @Until
                        WHERE alert_id = @AlertId AND version = @Version AND subscription_id = @SubscriptionId
                          AND due_at <= @Now AND (claimed_until IS NULL OR claimed_until <= @Now)
                        """,
                        new { row.AlertId, row.Version, row.SubscriptionId, Now = now, Until = now + (long)claimFor.TotalMilliseconds },
                        transaction,
                        cancellationToken: ct));
                    if (updated == 1)
                    {
                        claimed.Add(row.ToRetry());
                    }
                }

                return claimed;
            },
            cancellationToken);
    }

    /// <summary>How many retries wait in the store, claimed or not: the backlog operators watch.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM delivery_retries", cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<ScheduledRetry>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"{SelectColumns} ORDER BY due_at", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRetry())];
    }

    private const string SelectColumns = """
        SELECT alert_id AS AlertId, version AS Version, subscription_id AS SubscriptionId, channel AS Channel, due_at AS DueAt
        FROM delivery_retries
        """;

    private sealed class Row
    {
        public string AlertId { get; set; } = "";
        public long Version { get; set; }
        public string SubscriptionId { get; set; } = "";
        public string Channel { get; set; } = "";
        public long DueAt { get; set; }

        public ScheduledRetry ToRetry() => new(
            new DeliveryKey(AlertId, (int)Version, SubscriptionId),
            Enum.Parse<DeliveryChannel>(Channel),
            DateTimeOffset.FromUnixTimeMilliseconds(DueAt));
    }
}
