using System.Data.Common;
using System.Text.Json;
using Dapper;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Webhooks;
using OutageAlerts.Storage;

namespace OutageAlerts.Delivery.Log;

/// <summary>An alert version as delivery received it, with the event that carried it.</summary>
public sealed record ArchivedAlert(AlertEventKind Kind, Alert Alert, string? CancelReason, DateTimeOffset StoredAt);

/// <summary>
/// Every alert version that reached delivery, kept so that a retry after a restart, a replay by an operator and
/// the pull feeds can rebuild exactly what was (or would have been) sent, without the bus message.
/// </summary>
public sealed class AlertArchive(IStore store, TimeProvider time)
{
    public const string MigrationId = "0110-delivery-alerts";

    public const string MigrationSql = """
        CREATE TABLE IF NOT EXISTS delivery_alerts (
            alert_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            kind TEXT NOT NULL,
            cancel_reason TEXT NULL,
            severity TEXT NOT NULL,
            sent_at BIGINT NOT NULL,
            stored_at BIGINT NOT NULL,
            payload TEXT NOT NULL,
            PRIMARY KEY (alert_id, version)
        );
        CREATE INDEX IF NOT EXISTS ix_delivery_alerts_sent ON delivery_alerts (sent_at);
        """;

    /// <summary>Keeps the first copy of a version: later copies of the same version are the same message redelivered.</summary>
    public Task StoreAsync(IAlertDelivery delivery, CancellationToken cancellationToken) =>
        store.WriteAsync(StoreWrite(delivery), cancellationToken);

    /// <summary>
    /// <see cref="StoreAsync"/> as a write of its own, for a caller that commits it together with its own statements
    /// (the delivery's attempt: one write instead of two, issue 10).
    /// </summary>
    internal Func<DbConnection, DbTransaction, CancellationToken, Task> StoreWrite(IAlertDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var alert = delivery.Head;

        // Built before the write is queued, so the writer's thread does not spend its time serialising.
        var kind = delivery.Kind.ToString();
        var severity = alert.Severity.ToString();
        var storedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        var payload = delivery.AlertJson;
        return (connection, transaction, ct) => StoreStatement.For(
                connection,
                transaction,
                """
                INSERT INTO delivery_alerts (alert_id, version, kind, cancel_reason, severity, sent_at, stored_at, payload)
                VALUES (@AlertId, @Version, @Kind, @CancelReason, @Severity, @SentAt, @StoredAt, @Payload)
                ON CONFLICT (alert_id, version) DO NOTHING
                """)
            .Bind("@AlertId", alert.AlertId)
            .Bind("@Version", alert.Version)
            .Bind("@Kind", kind)
            .Bind("@CancelReason", delivery.CancelReason)
            .Bind("@Severity", severity)
            .Bind("@SentAt", alert.Sent.ToUnixTimeMilliseconds())
            .Bind("@StoredAt", storedAt)
            .BindUtf8("@Payload", payload)
            .ExecuteAsync(ct);
    }

    public async Task<ArchivedAlert?> FindAsync(string alertId, int version, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"{SelectColumns} WHERE alert_id = @AlertId AND version = @Version",
            new { AlertId = alertId, Version = version },
            cancellationToken: cancellationToken));
        return row?.ToArchived();
    }

    /// <summary>
    /// The latest version of each alert sent since <paramref name="since"/>, newest first, leaving out alerts
    /// whose latest version cancelled them: what a pull consumer should currently act on.
    /// </summary>
    public async Task<IReadOnlyList<ArchivedAlert>> CurrentAsync(
        DateTimeOffset since, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            {SelectColumns} a
            WHERE a.version = (SELECT MAX(b.version) FROM delivery_alerts b WHERE b.alert_id = a.alert_id)
              AND a.sent_at >= @Since AND a.kind <> @Cancelled
            ORDER BY a.sent_at DESC, a.alert_id
            LIMIT @Limit
            """,
            new { Since = since.ToUnixTimeMilliseconds(), Cancelled = nameof(AlertEventKind.Cancelled), Limit = limit },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToArchived())];
    }

    private const string SelectColumns = """
        SELECT kind AS Kind, cancel_reason AS CancelReason, stored_at AS StoredAt, payload AS Payload FROM delivery_alerts
        """;

    private sealed class Row
    {
        public string Kind { get; set; } = "";
        public string? CancelReason { get; set; }
        public long StoredAt { get; set; }
        public string Payload { get; set; } = "";

        public ArchivedAlert ToArchived() => new(
            Enum.Parse<AlertEventKind>(Kind),
            JsonSerializer.Deserialize<Alert>(Payload, WebhookPayload.SerializerOptions)
                ?? throw new InvalidDataException("An archived alert payload is empty."),
            CancelReason,
            DateTimeOffset.FromUnixTimeMilliseconds(StoredAt));
    }
}
