using System.Data.Common;
using System.Globalization;
using Dapper;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Storage;

namespace OutageAlerts.Delivery.Log;

public enum DeliveryStatus
{
    Pending,
    Delivered,
    Failed,

    /// <summary>Decided against on purpose (silenced, same recipient, recipient cap, superseded); the reason is kept.</summary>
    Suppressed,
}

/// <summary>The key of one delivery: an alert version for a subscription.</summary>
public sealed record DeliveryKey(string AlertId, int Version, string SubscriptionId);

public sealed record DeliveryLogEntry(
    string AlertId,
    int Version,
    string SubscriptionId,
    DeliveryChannel Channel,
    string Recipient,
    AlertEventKind Kind,
    DeliveryStatus Status,
    int Attempts,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? DeliveredAt);

/// <summary>
/// One row per (alert, version, subscription): the audit trail of deliveries and what makes them idempotent,
/// since a message that is redelivered after it was sent must not send a second email or SMS.
/// </summary>
public sealed class DeliveryLog(IStore store, TimeProvider time)
{
    public const string MigrationId = "0100-delivery-log";

    public const string MigrationSql = """
        CREATE TABLE IF NOT EXISTS delivery_log (
            alert_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            subscription_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            recipient TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            last_error TEXT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            delivered_at BIGINT NULL,
            PRIMARY KEY (alert_id, version, subscription_id)
        );
        CREATE INDEX IF NOT EXISTS ix_delivery_log_status ON delivery_log (status, updated_at);
        """;

    /// <summary>Makes the recipient cap's look-back over the last hour an index range instead of a scan.</summary>
    public const string RecipientIndexMigrationId = "0101-delivery-log-recipient";

    public const string RecipientIndexMigrationSql =
        "CREATE INDEX IF NOT EXISTS ix_delivery_log_recipient ON delivery_log (created_at, channel, recipient);";

    /// <summary>
    /// Two copies of one delivery consumed at the same moment (two replicas, a republished alert) must not both send:
    /// an attempt holds the row for this long, or until it records its outcome. A copy that finds it held waits and
    /// tries again later, so a replica that died mid-attempt delays the delivery by at most this, never loses it.
    /// </summary>
    public const string AttemptLeaseMigrationId = "0102-delivery-log-attempt-lease";

    public const string AttemptLeaseMigrationSql = "ALTER TABLE delivery_log ADD COLUMN attempt_until BIGINT NULL;";

    /// <summary>What <see cref="BeginAttemptAsync"/> returns when another attempt of the same delivery is under way.</summary>
    public const int InFlightElsewhere = -1;

    public static readonly TimeSpan AttemptLease = TimeSpan.FromMinutes(1);

    private const int MaxErrorLength = 1000;

    /// <summary>
    /// Records the start of an attempt. Returns false when the delivery already succeeded, in which case the
    /// caller must not send again.
    /// </summary>
    public async Task<bool> TryBeginAttemptAsync(
        DeliveryKey key, DeliveryChannel channel, string recipient, AlertEventKind kind, CancellationToken cancellationToken) =>
        await BeginAttemptAsync(key, channel, recipient, kind, cancellationToken) > 0;

    /// <summary>
    /// Records that a delivery was routed (status Pending, no attempt yet), so an update or cancel routed before
    /// the first attempt starts still reaches this subscription. Idempotent.
    /// </summary>
    /// <param name="first">Written in the same transaction before the row (the alert's current version for pull consumers).</param>
    public async Task RecordRoutedAsync(
        DeliveryKey key,
        DeliveryChannel channel,
        string recipient,
        AlertEventKind kind,
        CancellationToken cancellationToken,
        Func<DbConnection, DbTransaction, CancellationToken, Task>? first = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var channelName = channel.ToString();
        var kindName = kind.ToString();
        await store.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (first is not null)
                {
                    await first(connection, transaction, ct);
                }

                await StoreStatement.For(
                    connection,
                    transaction,
                    """
                    INSERT INTO delivery_log
                        (alert_id, version, subscription_id, channel, recipient, kind, status, attempts, created_at, updated_at)
                    VALUES (@AlertId, @Version, @SubscriptionId, @Channel, @Recipient, @Kind, @Status, 0, @Now, @Now)
                    ON CONFLICT (alert_id, version, subscription_id) DO NOTHING
                    """)
                .Bind("@AlertId", key.AlertId)
                .Bind("@Version", key.Version)
                .Bind("@SubscriptionId", key.SubscriptionId)
                .Bind("@Channel", channelName)
                .Bind("@Recipient", recipient)
                .Bind("@Kind", kindName)
                .Bind("@Status", nameof(DeliveryStatus.Pending))
                .Bind("@Now", now)
                .ExecuteAsync(ct);
            },
            cancellationToken);
    }

    /// <summary>
    /// Records the start of an attempt and returns its number (1 for the first), 0 when the delivery already
    /// succeeded, or <see cref="InFlightElsewhere"/> while another attempt holds it; in both cases the caller must not send.
    /// </summary>
    /// <param name="first">Written in the same transaction before the attempt (the archived copy of the alert).</param>
    public async Task<int> BeginAttemptAsync(
        DeliveryKey key,
        DeliveryChannel channel,
        string recipient,
        AlertEventKind kind,
        CancellationToken cancellationToken,
        Func<DbConnection, DbTransaction, CancellationToken, Task>? first = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var channelName = channel.ToString();
        var kindName = kind.ToString();

        // One statement records the delivery if routing has not, counts the attempt and decides: a delivery that
        // another attempt finished in the meantime returns no row and is not resent, and neither does one that another
        // replica is attempting right now (its lease has not run out). (It was an insert and an update, two write
        // transactions per delivery; issue 10.) The status read that tells those two apart is in the same write, so it
        // sees the row the insert left alone.
        return await store.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (first is not null)
                {
                    await first(connection, transaction, ct);
                }

                var attempts = await StoreStatement.For(
                        connection,
                        transaction,
                    """
                    INSERT INTO delivery_log
                        (alert_id, version, subscription_id, channel, recipient, kind, status, attempts, created_at, updated_at, attempt_until)
                    VALUES (@AlertId, @Version, @SubscriptionId, @Channel, @Recipient, @Kind, @Pending, 1, @Now, @Now, @Until)
                    ON CONFLICT (alert_id, version, subscription_id)
                    DO UPDATE SET attempts = delivery_log.attempts + 1, status = @Pending, updated_at = @Now, attempt_until = @Until
                    WHERE delivery_log.status <> @Delivered AND (delivery_log.attempt_until IS NULL OR delivery_log.attempt_until < @Now)
                    RETURNING attempts
                    """)
                    .Bind("@AlertId", key.AlertId)
                    .Bind("@Version", key.Version)
                    .Bind("@SubscriptionId", key.SubscriptionId)
                    .Bind("@Channel", channelName)
                    .Bind("@Recipient", recipient)
                    .Bind("@Kind", kindName)
                    .Bind("@Pending", nameof(DeliveryStatus.Pending))
                    .Bind("@Now", now)
                    .Bind("@Until", now + (long)AttemptLease.TotalMilliseconds)
                    .Bind("@Delivered", nameof(DeliveryStatus.Delivered))
                    .ScalarAsync(ct);
                if (attempts is not null)
                {
                    return Convert.ToInt32(attempts, CultureInfo.InvariantCulture);
                }

                var status = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                    "SELECT status FROM delivery_log WHERE alert_id = @AlertId AND version = @Version AND subscription_id = @SubscriptionId",
                    new { key.AlertId, key.Version, key.SubscriptionId },
                    transaction,
                    cancellationToken: ct));
                return status == nameof(DeliveryStatus.Delivered) ? 0 : InFlightElsewhere;
            },
            cancellationToken);
    }

    /// <summary>Logs a delivery that was decided against without sending (e.g. its endpoint is disabled) as failed.</summary>
    public async Task RecordNotSentAsync(
        DeliveryKey key, DeliveryChannel channel, string recipient, AlertEventKind kind, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO delivery_log
                    (alert_id, version, subscription_id, channel, recipient, kind, status, attempts, last_error, created_at, updated_at)
                VALUES (@AlertId, @Version, @SubscriptionId, @Channel, @Recipient, @Kind, @Failed, 0, @Reason, @Now, @Now)
                ON CONFLICT (alert_id, version, subscription_id)
                DO UPDATE SET status = @Failed, last_error = @Reason, updated_at = @Now WHERE delivery_log.status <> @Delivered
                """,
                new
                {
                    key.AlertId, key.Version, key.SubscriptionId, Channel = channel.ToString(), Recipient = recipient,
                    Kind = kind.ToString(), Failed = nameof(DeliveryStatus.Failed), Delivered = nameof(DeliveryStatus.Delivered),
                    Reason = reason.Length > MaxErrorLength ? reason[..MaxErrorLength] : reason, Now = now,
                },
                transaction,
                cancellationToken: ct)),
            cancellationToken);
    }

    /// <summary>
    /// Logs a delivery that routing decided not to make, with why. A row that already exists (e.g. the same
    /// alert version routed again after a redelivery) keeps what it has.
    /// </summary>
    public async Task RecordSuppressedAsync(
        DeliveryKey key, DeliveryChannel channel, string recipient, AlertEventKind kind, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(reason);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO delivery_log
                    (alert_id, version, subscription_id, channel, recipient, kind, status, attempts, last_error, created_at, updated_at)
                VALUES (@AlertId, @Version, @SubscriptionId, @Channel, @Recipient, @Kind, @Suppressed, 0, @Reason, @Now, @Now)
                ON CONFLICT (alert_id, version, subscription_id) DO NOTHING
                """,
                new
                {
                    key.AlertId, key.Version, key.SubscriptionId, Channel = channel.ToString(), Recipient = recipient,
                    Kind = kind.ToString(), Suppressed = nameof(DeliveryStatus.Suppressed),
                    Reason = reason.Length > MaxErrorLength ? reason[..MaxErrorLength] : reason, Now = now,
                },
                transaction,
                cancellationToken: ct)),
            cancellationToken);
    }

    /// <summary>Turns a pending, never attempted delivery into a suppressed one; false when it was attempted or finished meanwhile.</summary>
    public async Task<bool> SuppressPendingAsync(DeliveryKey key, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(reason);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var updated = await store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE delivery_log SET status = @Suppressed, last_error = @Reason, updated_at = @Now
                WHERE alert_id = @AlertId AND version = @Version AND subscription_id = @SubscriptionId
                  AND status = @Pending AND attempts = 0
                """,
                new
                {
                    key.AlertId, key.Version, key.SubscriptionId, Suppressed = nameof(DeliveryStatus.Suppressed),
                    Pending = nameof(DeliveryStatus.Pending), Reason = reason.Length > MaxErrorLength ? reason[..MaxErrorLength] : reason,
                    Now = now,
                },
                transaction,
                cancellationToken: ct)),
            cancellationToken);
        return updated > 0;
    }

    /// <summary>The newest version of the alert routed to the subscription (not suppressed), or null.</summary>
    public async Task<int?> LatestRoutedVersionAsync(string alertId, string subscriptionId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var version = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            SELECT MAX(version) FROM delivery_log
            WHERE alert_id = @AlertId AND subscription_id = @SubscriptionId AND status <> @Suppressed
            """,
            new { AlertId = alertId, SubscriptionId = subscriptionId, Suppressed = nameof(DeliveryStatus.Suppressed) },
            cancellationToken: cancellationToken));
        return version is { } v ? (int)v : null;
    }

    /// <summary>What <see cref="CountRoutedSinceAsync"/> runs; its plan is pinned by a test.</summary>
    internal const string RoutedSinceSql = """
        SELECT channel, recipient, COUNT(*) FROM delivery_log
        WHERE created_at >= @Since AND (status || '') IN (@Pending, @Delivered)
        GROUP BY channel, recipient
        """;

    /// <summary>
    /// Deliveries routed since <paramref name="since"/> that were or will be sent (pending or delivered), per
    /// channel and recipient: what the per-recipient cap counts.
    /// </summary>
    /// <remarks>
    /// Comparing <c>status || ''</c> keeps SQLite off <c>ix_delivery_log_status</c>, which it preferred for the
    /// equality on status: that read every pending or delivered row ever logged, on every capped alert. The time range
    /// on <c>ix_delivery_log_recipient</c> reads only the last hour's rows (issue 10). (Not a unary plus, as in the
    /// incident candidate query: PostgreSQL has none for text.)
    /// </remarks>
    public async Task<IReadOnlyDictionary<(DeliveryChannel Channel, string Recipient), int>> CountRoutedSinceAsync(
        DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Channel, string Recipient, long Count)>(new CommandDefinition(
            RoutedSinceSql,
            new
            {
                Since = since.ToUnixTimeMilliseconds(), Pending = nameof(DeliveryStatus.Pending),
                Delivered = nameof(DeliveryStatus.Delivered),
            },
            cancellationToken: cancellationToken));
        var counts = new Dictionary<(DeliveryChannel, string), int>();
        foreach (var row in rows)
        {
            if (Enum.TryParse<DeliveryChannel>(row.Channel, out var channel))
            {
                counts[(channel, row.Recipient)] = (int)row.Count;
            }
        }

        return counts;
    }

    /// <summary>The most recently updated deliveries first, optionally only one subscription's or one status.</summary>
    public async Task<IReadOnlyList<DeliveryLogEntry>> ListAsync(
        string? subscriptionId = null, DeliveryStatus? status = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            {SelectColumns}
            WHERE (@SubscriptionId IS NULL OR subscription_id = @SubscriptionId) AND (@Status IS NULL OR status = @Status)
            ORDER BY updated_at DESC, alert_id, version, subscription_id
            LIMIT @Limit
            """,
            new { SubscriptionId = subscriptionId, Status = status?.ToString(), Limit = limit },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToEntry())];
    }

    /// <summary>Makes a finished delivery attemptable again, for an operator's replay; its history stays in attempts.</summary>
    public async Task<bool> ReopenAsync(DeliveryKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var updated = await store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE delivery_log SET status = @Pending, updated_at = @Now
                WHERE alert_id = @AlertId AND version = @Version AND subscription_id = @SubscriptionId
                """,
                new { key.AlertId, key.Version, key.SubscriptionId, Pending = nameof(DeliveryStatus.Pending), Now = now },
                transaction,
                cancellationToken: ct)),
            cancellationToken);
        return updated > 0;
    }

    public Task MarkDeliveredAsync(DeliveryKey key, CancellationToken cancellationToken) =>
        SetStatusAsync(key, DeliveryStatus.Delivered, null, cancellationToken);

    /// <summary>Keeps the error; <paramref name="final"/> marks the delivery failed, otherwise it stays pending for a retry.</summary>
    public Task MarkAttemptFailedAsync(DeliveryKey key, string error, bool final, CancellationToken cancellationToken) =>
        SetStatusAsync(key, final ? DeliveryStatus.Failed : DeliveryStatus.Pending, error, cancellationToken);

    public async Task<DeliveryLogEntry?> FindAsync(DeliveryKey key, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"{SelectColumns} WHERE alert_id = @AlertId AND version = @Version AND subscription_id = @SubscriptionId",
            new { key.AlertId, key.Version, key.SubscriptionId },
            cancellationToken: cancellationToken));
        return row?.ToEntry();
    }

    public async Task<IReadOnlyList<DeliveryLogEntry>> ListForAlertAsync(string alertId, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"{SelectColumns} WHERE alert_id = @AlertId ORDER BY version, subscription_id",
            new { AlertId = alertId },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToEntry())];
    }

    /// <summary>Subscriptions that received (or are receiving) some version of the alert: who must hear of its updates and cancellation.</summary>
    public async Task<IReadOnlySet<string>> RecipientsOfAsync(string alertId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT subscription_id FROM delivery_log WHERE alert_id = @AlertId AND status NOT IN (@Failed, @Suppressed)",
            new { AlertId = alertId, Failed = nameof(DeliveryStatus.Failed), Suppressed = nameof(DeliveryStatus.Suppressed) },
            cancellationToken: cancellationToken));
        return ids.ToHashSet(StringComparer.Ordinal);
    }

    private const string SelectColumns = """
        SELECT alert_id AS AlertId, version AS Version, subscription_id AS SubscriptionId, channel AS Channel,
               recipient AS Recipient, kind AS Kind, status AS Status, attempts AS Attempts, last_error AS LastError,
               created_at AS CreatedAt, updated_at AS UpdatedAt, delivered_at AS DeliveredAt
        FROM delivery_log
        """;

    private async Task SetStatusAsync(DeliveryKey key, DeliveryStatus status, string? error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var statusName = status.ToString();
        var kept = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error;
        await store.WriteAsync(
            (connection, transaction, ct) => StoreStatement.For(
                    connection,
                    transaction,
                    """
                    UPDATE delivery_log
                    SET status = @Status, last_error = COALESCE(@Error, last_error), updated_at = @Now, attempt_until = NULL,
                        delivered_at = CASE WHEN @Status = @Delivered THEN @Now ELSE delivered_at END
                    WHERE alert_id = @AlertId AND version = @Version AND subscription_id = @SubscriptionId
                    """)
                .Bind("@Status", statusName)
                .Bind("@Error", kept)
                .Bind("@Now", now)
                .Bind("@Delivered", nameof(DeliveryStatus.Delivered))
                .Bind("@AlertId", key.AlertId)
                .Bind("@Version", key.Version)
                .Bind("@SubscriptionId", key.SubscriptionId)
                .ExecuteAsync(ct),
            cancellationToken);
    }

    // Dapper maps by column name; plain types keep SQLite's and PostgreSQL's integer widths apart from the API.
    private sealed class Row
    {
        public string AlertId { get; set; } = "";
        public long Version { get; set; }
        public string SubscriptionId { get; set; } = "";
        public string Channel { get; set; } = "";
        public string Recipient { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Status { get; set; } = "";
        public long Attempts { get; set; }
        public string? LastError { get; set; }
        public long CreatedAt { get; set; }
        public long UpdatedAt { get; set; }
        public long? DeliveredAt { get; set; }

        public DeliveryLogEntry ToEntry() => new(
            AlertId, (int)Version, SubscriptionId, Enum.Parse<DeliveryChannel>(Channel), Recipient,
            Enum.Parse<AlertEventKind>(Kind), Enum.Parse<DeliveryStatus>(Status), (int)Attempts, LastError,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt),
            DeliveredAt is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null);
    }
}
