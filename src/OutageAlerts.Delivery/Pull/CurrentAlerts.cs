using System.Data.Common;
using System.Text;
using System.Text.Json;
using Dapper;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Webhooks;
using OutageAlerts.Storage;

namespace OutageAlerts.Delivery.Pull;

/// <summary>The latest known version of one alert, as the pull outputs serve it.</summary>
/// <param name="RecordedAt">When delivery stored this version; the pull outputs' validators derive from it.</param>
public sealed record CurrentAlert(AlertEventKind Kind, Alert Alert, string? CancelReason, DateTimeOffset RecordedAt)
{
    public bool IsCancelled => Kind == AlertEventKind.Cancelled;
}

/// <summary>Which alerts to list: those whose latest version was sent since <see cref="Since"/>, newest first.</summary>
public sealed record CurrentAlertsQuery(DateTimeOffset Since, int Limit)
{
    /// <summary>Also list alerts whose latest version cancelled them, so pull consumers learn of the cancel.</summary>
    public bool IncludeCancelled { get; init; }

    public Severity? MinSeverity { get; init; }

    /// <summary>ISO 3166-1 alpha-2, upper case.</summary>
    public string? Country { get; init; }

    /// <summary>ISO 3166-2 (e.g. <c>UA-63</c>), upper case; letters, digits and one hyphen only.</summary>
    public string? Region { get; init; }
}

/// <summary>
/// One row per alert holding its latest version, for consumers that poll instead of receiving pushes. Versions can
/// arrive out of order (redelivery, several routing consumers), so a version only replaces a lower one, and a
/// cancel is final: the incident store publishes nothing for an alert after its cancel.
/// </summary>
public sealed class CurrentAlerts(IStore store, TimeProvider time)
{
    public const string MigrationId = "0150-current-alerts";

    // Regions are kept as " UA-63 UA-32 " so that one LIKE finds a whole code on either engine.
    public const string MigrationSql = """
        CREATE TABLE IF NOT EXISTS current_alerts (
            alert_id TEXT NOT NULL PRIMARY KEY,
            version INTEGER NOT NULL,
            kind TEXT NOT NULL,
            cancel_reason TEXT NULL,
            severity INTEGER NOT NULL,
            country TEXT NULL,
            regions TEXT NOT NULL,
            sent_at BIGINT NOT NULL,
            recorded_at BIGINT NOT NULL,
            payload TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_current_alerts_sent ON current_alerts (sent_at);
        """;

    public Task<bool> RecordAsync(AlertEventKind kind, Alert alert, CancellationToken cancellationToken) =>
        RecordAsync(kind, alert, null, cancellationToken);

    /// <summary>
    /// Keeps <paramref name="alert"/> unless a newer version (or a cancel) is already stored.
    /// </summary>
    /// <param name="cancelReason">The operator's reason, for <see cref="AlertEventKind.Cancelled"/>; it becomes the CAP note.</param>
    /// <returns>True when this version is now the one served.</returns>
    public async Task<bool> RecordAsync(AlertEventKind kind, Alert alert, string? cancelReason, CancellationToken cancellationToken) =>
        await store.WriteAsync(RecordWrite(kind, AlertPayload.From(alert), cancelReason), cancellationToken) > 0;

    /// <summary>Commits a <see cref="RecordWrite"/> on its own; true when its version is now the one served.</summary>
    internal async Task<bool> CommitAsync(Func<DbConnection, DbTransaction, CancellationToken, Task<int>> record, CancellationToken cancellationToken) =>
        await store.WriteAsync(record, cancellationToken) > 0;

    /// <summary>
    /// <see cref="RecordAsync(AlertEventKind, Alert, string?, CancellationToken)"/> as a write of its own, for routing
    /// to commit with the alert's first delivery-log row (one write fewer per alert, issue 10); the rows it changed.
    /// </summary>
    /// <remarks>The payload is the alert's JSON as routing serialised it once for the current alert and its webhooks.</remarks>
    internal Func<DbConnection, DbTransaction, CancellationToken, Task<int>> RecordWrite(AlertEventKind kind, AlertPayload alertPayload, string? cancelReason)
    {
        ArgumentNullException.ThrowIfNull(alertPayload);
        var alert = alertPayload.Alert;

        // Built before the write is queued, so the writer's thread does not spend its time serialising.
        var kindName = kind.ToString();
        var reason = kind == AlertEventKind.Cancelled ? cancelReason : null;
        var country = alert.Country?.ToUpperInvariant();
        var regions = JoinRegions(alert.Regions);
        var recordedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        var payload = alertPayload.Utf8;
        return (connection, transaction, ct) => StoreStatement.For(
                    connection,
                    transaction,
                """
                INSERT INTO current_alerts
                    (alert_id, version, kind, cancel_reason, severity, country, regions, sent_at, recorded_at, payload)
                VALUES (@AlertId, @Version, @Kind, @CancelReason, @Severity, @Country, @Regions, @SentAt, @RecordedAt, @Payload)
                ON CONFLICT (alert_id) DO UPDATE SET
                    version = excluded.version, kind = excluded.kind, cancel_reason = excluded.cancel_reason,
                    severity = excluded.severity, country = excluded.country, regions = excluded.regions,
                    sent_at = excluded.sent_at, recorded_at = excluded.recorded_at, payload = excluded.payload
                WHERE (excluded.version > current_alerts.version
                       AND (current_alerts.kind <> @Cancelled OR excluded.kind = @Cancelled))
                   OR (excluded.version = current_alerts.version
                       AND excluded.kind = @Cancelled AND current_alerts.kind <> @Cancelled)
                """)
                .Bind("@AlertId", alert.AlertId)
                .Bind("@Version", alert.Version)
                .Bind("@Kind", kindName)
                .Bind("@CancelReason", reason)
                .Bind("@Severity", (int)alert.Severity)
                .Bind("@Country", country)
                .Bind("@Regions", regions)
                .Bind("@SentAt", alert.Sent.ToUnixTimeMilliseconds())
                .Bind("@RecordedAt", recordedAt)
                .BindUtf8("@Payload", payload)
                .Bind("@Cancelled", nameof(AlertEventKind.Cancelled))
                .ExecuteAsync(ct);
    }

    /// <summary>The latest version of one alert, however old and whether cancelled or not; null when unknown.</summary>
    public async Task<CurrentAlert?> FindAsync(string alertId, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"{SelectColumns} WHERE alert_id = @AlertId",
            new { AlertId = alertId },
            cancellationToken: cancellationToken));
        return row?.ToCurrent();
    }

    /// <summary>Alerts matching <paramref name="query"/>, the most recently sent first, then by id.</summary>
    public async Task<IReadOnlyList<CurrentAlert>> ListAsync(CurrentAlertsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Region is { } region && !IsRegionCode(region))
        {
            // The code goes into a LIKE pattern; anything but letters, digits and a hyphen could widen it.
            throw new ArgumentException($"'{region}' is not an ISO 3166-2 code.", nameof(query));
        }

        var sql = new StringBuilder(SelectColumns).Append(" WHERE sent_at >= @Since");
        if (!query.IncludeCancelled)
        {
            sql.Append(" AND kind <> @Cancelled");
        }

        if (query.MinSeverity is not null)
        {
            sql.Append(" AND severity >= @MinSeverity");
        }

        if (query.Country is not null)
        {
            sql.Append(" AND country = @Country");
        }

        if (query.Region is not null)
        {
            sql.Append(" AND regions LIKE @RegionPattern");
        }

        sql.Append(" ORDER BY sent_at DESC, alert_id LIMIT @Limit");
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            sql.ToString(),
            new
            {
                Since = query.Since.ToUnixTimeMilliseconds(),
                Cancelled = nameof(AlertEventKind.Cancelled),
                MinSeverity = (int)(query.MinSeverity ?? Severity.None),
                Country = query.Country?.ToUpperInvariant(),
                RegionPattern = $"% {query.Region?.ToUpperInvariant()} %",
                query.Limit,
            },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToCurrent())];
    }

    internal static bool IsRegionCode(string value) =>
        value.Length is >= 4 and <= 6 && char.IsAsciiLetter(value[0]) && char.IsAsciiLetter(value[1]) && value[2] == '-'
        && value[3..].All(char.IsAsciiLetterOrDigit);

    private static string JoinRegions(IReadOnlyList<string> regions) =>
        regions.Count == 0 ? " " : $" {string.Join(' ', regions.Select(r => r.ToUpperInvariant()))} ";

    private const string SelectColumns = """
        SELECT kind AS Kind, cancel_reason AS CancelReason, recorded_at AS RecordedAt, payload AS Payload FROM current_alerts
        """;

    private sealed class Row
    {
        public string Kind { get; set; } = "";
        public string? CancelReason { get; set; }
        public long RecordedAt { get; set; }
        public string Payload { get; set; } = "";

        public CurrentAlert ToCurrent() => new(
            Enum.Parse<AlertEventKind>(Kind),
            JsonSerializer.Deserialize<Alert>(Payload, WebhookPayload.SerializerOptions)
                ?? throw new InvalidDataException("A current alert payload is empty."),
            CancelReason,
            DateTimeOffset.FromUnixTimeMilliseconds(RecordedAt));
    }
}
