using System.Buffers;
using System.Data;
using System.Data.Common;
using System.Text.Json;
using Dapper;
using OutageAlerts.Contracts;
using OutageAlerts.Incidents.Correlation;
using OutageAlerts.Storage;

namespace OutageAlerts.Incidents.Persistence;

/// <summary>
/// Incidents, the reports that make them up and every published version. Correlation reads candidates and writes
/// its decision in one transaction that holds the incidents lock (PostgreSQL advisory lock, SQLite write lock), so
/// replicas correlating at once see each other's incidents; unique keys on report and (alert, version) make a
/// repeated or racing write fail instead of forking an alert.
/// </summary>
internal sealed class IncidentStore(IStore store)
{
    public const string MigrationId = "0200-incidents";

    public const string Schema = """
        CREATE TABLE incidents (
            id TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            country TEXT NULL,
            first_published BIGINT NOT NULL,
            last_published BIGINT NOT NULL,
            last_activity BIGINT NOT NULL,
            version BIGINT NOT NULL DEFAULT 0,
            last_sent BIGINT NULL,
            due_at BIGINT NULL,
            created_at BIGINT NOT NULL,
            cancel_reason TEXT NULL
        );
        CREATE INDEX ix_incidents_activity ON incidents (last_activity);
        CREATE INDEX ix_incidents_due ON incidents (due_at);
        CREATE TABLE incident_reports (
            item_key TEXT PRIMARY KEY,
            incident_id TEXT NOT NULL REFERENCES incidents (id),
            published BIGINT NOT NULL,
            received_at BIGINT NOT NULL,
            outcome TEXT NOT NULL,
            version BIGINT NULL,
            facts TEXT NOT NULL
        );
        CREATE INDEX ix_incident_reports_incident ON incident_reports (incident_id);
        CREATE TABLE incident_versions (
            alert_id TEXT NOT NULL REFERENCES incidents (id),
            version BIGINT NOT NULL,
            msg_type TEXT NOT NULL,
            sent BIGINT NOT NULL,
            alert TEXT NOT NULL,
            PRIMARY KEY (alert_id, version)
        );
        """;

    public const string ReleaseMigrationId = "0201-incident-release";

    /// <summary>
    /// Held messages keep the trace of the report that held them, and a released message stays pending until ingestion
    /// confirms it was published (<c>release_pending_until</c>: when it is released again if not confirmed).
    /// </summary>
    public const string ReleaseSchema = """
        ALTER TABLE incidents ADD COLUMN hold_trace_parent TEXT NULL;
        ALTER TABLE incidents ADD COLUMN hold_trace_state TEXT NULL;
        ALTER TABLE incident_versions ADD COLUMN release_pending_until BIGINT NULL;
        ALTER TABLE incident_versions ADD COLUMN trace_parent TEXT NULL;
        ALTER TABLE incident_versions ADD COLUMN trace_state TEXT NULL;
        CREATE INDEX ix_incident_versions_pending ON incident_versions (release_pending_until);
        """;

    public const string CandidatesIndexMigrationId = "0202-incident-candidates-index";

    /// <summary>
    /// The candidate query filters on three columns; with only <c>ix_incidents_activity</c> every open incident cost a
    /// table lookup per report to test its published range. This index answers all three terms itself, so only the
    /// actual candidates are read from the table (issue 10).
    /// </summary>
    public const string CandidatesIndexSchema = """
        CREATE INDEX ix_incidents_candidates ON incidents (last_activity, last_published, first_published);
        """;

    public const string PublishedIndexMigrationId = "0203-incident-candidates-by-published";

    /// <summary>
    /// <c>ix_incidents_candidates</c> led with <c>last_activity</c>, and SQLite chose <c>ix_incidents_activity</c> anyway:
    /// every incident active within the quiet period (36 h, all of them under load) cost an index step and a table
    /// lookup per report (issue 10: with a few thousand open incidents, SQLite was most of the ingestion's processor
    /// time). Led by <c>last_published</c>, a report published now reaches only the incidents with a report in the last
    /// correlation window; the candidate query keeps SQLite off the activity index.
    /// </summary>
    public const string PublishedIndexSchema = """
        DROP INDEX IF EXISTS ix_incidents_candidates;
        CREATE INDEX ix_incidents_published ON incidents (last_published, first_published, last_activity);
        """;

    public const string ActivityIndexMigrationId = "0204-drop-incidents-activity-index";

    /// <summary>
    /// No query reads <c>ix_incidents_activity</c> since <c>0203</c> (the candidate query keeps SQLite off it), yet every
    /// new incident and every report that joins one rewrote a leaf of it: one more page per correlation to write
    /// (issue 10: ~28 pages per alert).
    /// </summary>
    public const string ActivityIndexSchema = "DROP INDEX IF EXISTS ix_incidents_activity;";

    public const string ReportKeysIndexMigrationId = "0205-incident-report-keys-index";

    /// <summary>
    /// The candidate query reads each candidate's report keys. Through <c>ix_incident_reports_incident</c> every key
    /// cost a lookup in the table, whose rows carry the report's facts (a page or two each): with 10,000 open
    /// incidents a report read some 40 MB of pages through SQLite's 2 MB cache (issue 10, <c>CorrelationBenchmarks</c>).
    /// This index holds the keys itself; it serves every query the old one did, and costs no more pages to write.
    /// </summary>
    public const string ReportKeysIndexSchema = """
        CREATE INDEX ix_incident_reports_incident_key ON incident_reports (incident_id, item_key);
        DROP INDEX IF EXISTS ix_incident_reports_incident;
        """;

    // Any constant works; every replica must use the same one.
    private const long LockKey = 0x4F_41_49_6E_63_69_64;

    /// <summary>
    /// The stored alerts and report facts. Text beyond ASCII is stored as UTF-8, not as \uXXXX escapes: a Ukrainian
    /// report's facts and alert versions were three times the bytes (six per Cyrillic letter instead of two), pages the
    /// one writer writes to the WAL for every alert (issue 10). Rows stored escaped read the same.
    /// </summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly ReportFactsCache _facts = new();

    /// <summary>Runs <paramref name="work"/> in a transaction that holds the incidents lock, and commits it.</summary>
    /// <remarks>
    /// On SQLite the store's one writer runs it: its transactions begin IMMEDIATE, so the write lock is held before the
    /// candidates are read, and correlations of the process run one after the other, sharing a commit when several
    /// queue (each in a savepoint, so one that fails is rolled back alone). On PostgreSQL an advisory lock makes
    /// replicas correlate one at a time.
    /// </remarks>
    public Task<T> InTransactionAsync<T>(Func<IncidentSession, Task<T>> work, CancellationToken cancellationToken) =>
        store.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (store.Provider == StoreProvider.Postgres)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "SELECT pg_advisory_xact_lock(@key)", new { key = LockKey }, transaction, cancellationToken: ct));
                }

                return await work(new IncidentSession(connection, transaction, store.Provider, _facts, ct));
            },
            cancellationToken);

    /// <summary>When the next held or deferred message falls due (or an unconfirmed release is retried), if any.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var held = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MIN(due_at) FROM incidents WHERE due_at IS NOT NULL AND status <> 'Cancelled'",
            cancellationToken: cancellationToken));
        var retry = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MIN(release_pending_until) FROM incident_versions WHERE release_pending_until IS NOT NULL",
            cancellationToken: cancellationToken));
        var next = held is null ? retry : retry is null ? held : Math.Min(held.Value, retry.Value);
        return next is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    /// <summary>Marks a released version as published, so it is not released again.</summary>
    public Task ConfirmReleasedAsync(string alertId, int version, CancellationToken cancellationToken) =>
        store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                "UPDATE incident_versions SET release_pending_until = NULL WHERE alert_id = @alertId AND version = @version",
                new { alertId, version = (long)version },
                transaction,
                cancellationToken: ct)),
            cancellationToken);

    /// <summary>Every published version of an alert, oldest first.</summary>
    public async Task<IReadOnlyList<Alert>> VersionsAsync(string alertId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT alert FROM incident_versions WHERE alert_id = @alertId ORDER BY version",
            new { alertId },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => JsonSerializer.Deserialize<Alert>(r, Json)!)];
    }
}

/// <summary>The queries of one locked correlation step.</summary>
internal sealed class IncidentSession(
    DbConnection connection, DbTransaction transaction, StoreProvider provider, ReportFactsCache facts, CancellationToken cancellationToken)
{
    /// <summary>
    /// The candidate query: the incidents in the window with their reports, by incident in the order they were stored
    /// (an incident without reports is one row with no item key). Its plan is pinned by a test.
    /// </summary>
    internal const string CandidatesSql = """
        SELECT i.id, i.last_published, r.item_key FROM incidents i LEFT JOIN incident_reports r ON r.incident_id = i.id
        WHERE i.last_published >= @from AND i.last_published <= @lastBefore AND i.first_published <= @to
          AND +i.last_activity >= @openSince
        """;

    /// <summary>
    /// The candidates' reports with their facts, on the terms of <see cref="CandidatesSql"/>: for the first correlation
    /// of a process, which finds none of them parsed yet.
    /// </summary>
    internal const string CandidateFactsSql = """
        SELECT r.item_key, r.facts FROM incidents i JOIN incident_reports r ON r.incident_id = i.id
        WHERE i.last_published >= @from AND i.last_published <= @lastBefore AND i.first_published <= @to
          AND +i.last_activity >= @openSince
        """;

    /// <summary>
    /// Candidates' reports not parsed yet up to which they are read by item key; above it, in one pass over the
    /// candidates (<see cref="CandidateFactsSql"/>).
    /// </summary>
    public const int FactsByKeyLimit = 500;

    private const string IncidentColumns = """
        id AS Id, status AS Status, country AS Country, first_published AS FirstPublished,
        last_published AS LastPublished, last_activity AS LastActivity, version AS Version, last_sent AS LastSent,
        due_at AS DueAt, created_at AS CreatedAt, cancel_reason AS CancelReason,
        hold_trace_parent AS HoldTraceParent, hold_trace_state AS HoldTraceState
        """;

    public async Task<(string IncidentId, int? Version)?> FindReportAsync(string itemKey)
    {
        var rows = await Statement("SELECT incident_id, version FROM incident_reports WHERE item_key = @itemKey")
            .Bind("@itemKey", itemKey)
            .QueryAsync(r => (IncidentId: r.GetString(0), Version: r.IsDBNull(1) ? (int?)null : (int)r.GetInt64(1)), cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IncidentRecord?> GetIncidentAsync(string id)
    {
        var rows = await Statement($"SELECT {IncidentColumns} FROM incidents WHERE id = @id")
            .Bind("@id", id)
            .QueryAsync(ReadIncident, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>
    /// Open incidents with a report published between <paramref name="from"/> and <paramref name="to"/>, of those that
    /// span at most <paramref name="maxSpan"/> from their first report to their last, each with its reports' facts.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The unary plus keeps <c>last_activity</c> from being used as the index (SQLite and PostgreSQL alike): every
    /// incident is recently active under load, while few have a report published within the window.
    /// </para>
    /// <para>
    /// The upper bound on <c>last_published</c> closes the index range. Without it, a report published before most
    /// incidents (a backfill, a feed added with its archive, a late wire) ranged over every later incident in the
    /// index, one per incident ever stored (issue 10: the load harness's reports go back in time). It excludes nothing
    /// a report could join: an incident that overlaps the window and ends after <c>to + maxSpan</c> spans more than
    /// <paramref name="maxSpan"/> already, and the matcher refuses any report that would make it span that long.
    /// </para>
    /// </remarks>
    public async Task<IReadOnlyList<IncidentCandidate>> FindCandidatesAsync(DateTimeOffset openSince, DateTimeOffset from, DateTimeOffset to, TimeSpan maxSpan)
    {
        // One kept statement for the incidents and their reports, reading only what matching needs: the whole record
        // of each of 10,000 candidates (13 columns) was read for the one a report joins (issue 10, load harness).
        var rows = await Statement(provider == StoreProvider.Postgres ? CandidatesSql + " ORDER BY i.id, r.ctid" : CandidatesSql + " ORDER BY i.id, r.rowid")
            .Bind("@from", from.ToUnixTimeMilliseconds())
            .Bind("@lastBefore", (to + maxSpan).ToUnixTimeMilliseconds())
            .Bind("@to", to.ToUnixTimeMilliseconds())
            .Bind("@openSince", openSince.ToUnixTimeMilliseconds())
            .QueryAsync(r => new CandidateRow(r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2)), cancellationToken);
        var missing = new List<string>();
        foreach (var row in rows)
        {
            if (row.ItemKey is { } key && !facts.TryGet(key, out _))
            {
                missing.Add(key);
            }
        }

        // After a restart with 10,000 open incidents, reading their facts 500 keys at a time (a new statement of 500
        // parameters each, the JSON read as strings) took most of the first report's ~400 ms (issue 10).
        var loaded = missing.Count == 0 ? null
            : missing.Count > FactsByKeyLimit ? await LoadCandidateFactsAsync(missing.Count, openSince, from, to, maxSpan)
            : await LoadFactsAsync(missing);
        var candidates = new List<IncidentCandidate>();
        IncidentCandidate? current = null;
        foreach (var row in rows)
        {
            // The rows come by incident: one candidate per run of equal ids, whatever order the database sorts ids in.
            if (current is null || !string.Equals(current.Id, row.IncidentId, StringComparison.Ordinal))
            {
                candidates.Add(current = new IncidentCandidate(row.IncidentId, DateTimeOffset.FromUnixTimeMilliseconds(row.LastPublished), []));
            }

            if (row.ItemKey is { } itemKey)
            {
                current.Reports.Add(loaded is not null && loaded.TryGetValue(itemKey, out var fresh) ? fresh : facts.TryGet(itemKey, out var known) ? known : await LoadOneAsync(itemKey));
            }
        }

        return candidates;
    }

    private readonly record struct CandidateRow(string IncidentId, long LastPublished, string? ItemKey);

    private async Task<Dictionary<string, ReportFacts>> LoadCandidateFactsAsync(
        int missing, DateTimeOffset openSince, DateTimeOffset from, DateTimeOffset to, TimeSpan maxSpan)
    {
        var loaded = new Dictionary<string, ReportFacts>(missing, StringComparer.Ordinal);
        await Statement(CandidateFactsSql)
            .Bind("@from", from.ToUnixTimeMilliseconds())
            .Bind("@lastBefore", (to + maxSpan).ToUnixTimeMilliseconds())
            .Bind("@to", to.ToUnixTimeMilliseconds())
            .Bind("@openSince", openSince.ToUnixTimeMilliseconds())
            .QueryAsync(
                r =>
                {
                    var key = r.GetString(0);
                    if (facts.TryGet(key, out _))
                    {
                        return false;
                    }

                    var parsed = ReadFacts(r, 1);
                    loaded[key] = parsed;
                    facts.Add(key, parsed.ForMatching());
                    return true;
                },
                cancellationToken);
        return loaded;
    }

    /// <summary>
    /// A report's facts, parsed from the bytes SQLite stores (UTF-8) rather than from a string made of them first: half
    /// the bytes to copy, no transcoding.
    /// </summary>
    private ReportFacts ReadFacts(DbDataReader reader, int ordinal)
    {
        if (provider == StoreProvider.Postgres)
        {
            return JsonSerializer.Deserialize<ReportFacts>(reader.GetString(ordinal), IncidentStore.Json)!;
        }

        var length = checked((int)reader.GetBytes(ordinal, 0, null, 0, 0));
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = (int)reader.GetBytes(ordinal, 0, buffer, 0, length);
            return JsonSerializer.Deserialize<ReportFacts>(buffer.AsSpan(0, read), IncidentStore.Json)!;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task<IReadOnlyList<IncidentRecord>> FindDueAsync(DateTimeOffset now)
    {
        return await Statement($"SELECT {IncidentColumns} FROM incidents WHERE due_at IS NOT NULL AND due_at <= @now ORDER BY due_at, id")
            .Bind("@now", now.ToUnixTimeMilliseconds())
            .QueryAsync(ReadIncident, cancellationToken);
    }

    /// <summary>
    /// The reports of each incident, whole (texts included, for the alert they make), in the order they were stored.
    /// Always read from the store: the correlator's cache keeps only what matching reads (<see cref="ReportFacts.ForMatching"/>).
    /// </summary>
    public async Task<Dictionary<string, List<ReportFacts>>> LoadReportsAsync(IReadOnlyCollection<string> incidentIds)
    {
        var reports = new Dictionary<string, List<ReportFacts>>(StringComparer.Ordinal);
        foreach (var chunk in incidentIds.Chunk(500))
        {
            var rows = (await connection.QueryAsync<ReportKeyRow>(Command(
                // Npgsql binds a list as one array parameter; SQLite needs Dapper's IN-list expansion.
                // In the order stored, said explicitly: an index that holds the keys returns them in key order.
                provider == StoreProvider.Postgres
                    ? "SELECT incident_id AS IncidentId, item_key AS ItemKey FROM incident_reports WHERE incident_id = ANY(@chunk) ORDER BY ctid"
                    : "SELECT incident_id AS IncidentId, item_key AS ItemKey FROM incident_reports WHERE incident_id IN @chunk ORDER BY rowid",
                new { chunk }))).ToList();
            var loaded = await LoadFactsAsync([.. rows.Select(r => r.ItemKey).Distinct(StringComparer.Ordinal)]);
            foreach (var row in rows)
            {
                if (!reports.TryGetValue(row.IncidentId, out var list))
                {
                    reports[row.IncidentId] = list = [];
                }

                list.Add(loaded.TryGetValue(row.ItemKey, out var whole) ? whole : await LoadOneAsync(row.ItemKey));
            }
        }

        return reports;
    }

    private async Task<Dictionary<string, ReportFacts>> LoadFactsAsync(IReadOnlyCollection<string> itemKeys)
    {
        var loaded = new Dictionary<string, ReportFacts>(StringComparer.Ordinal);
        foreach (var chunk in itemKeys.Chunk(500))
        {
            var rows = await connection.QueryAsync<FactsRow>(Command(
                provider == StoreProvider.Postgres
                    ? "SELECT item_key AS ItemKey, facts AS Facts FROM incident_reports WHERE item_key = ANY(@chunk)"
                    : "SELECT item_key AS ItemKey, facts AS Facts FROM incident_reports WHERE item_key IN @chunk",
                new { chunk }));
            foreach (var row in rows)
            {
                var parsed = JsonSerializer.Deserialize<ReportFacts>(row.Facts, IncidentStore.Json)!;
                loaded[row.ItemKey] = parsed;
                facts.Add(row.ItemKey, parsed.ForMatching());
            }
        }

        return loaded;
    }

    // Only when the cache dropped a key between the two reads of a candidate search (it was full and started over), or
    // a report's row was not there to read with the others.
    private async Task<ReportFacts> LoadOneAsync(string itemKey) => (await LoadFactsAsync([itemKey]))[itemKey];

    public async Task<Alert?> GetVersionAsync(string alertId, int version)
    {
        var json = await Statement("SELECT alert FROM incident_versions WHERE alert_id = @alertId AND version = @version")
            .Bind("@alertId", alertId)
            .Bind("@version", version)
            .ScalarAsync(cancellationToken) as string;
        return json is null ? null : JsonSerializer.Deserialize<Alert>(json, IncidentStore.Json);
    }

    public Task InsertIncidentAsync(IncidentRecord incident) =>
        BindIncident(Statement(
            """
            INSERT INTO incidents (id, status, country, first_published, last_published, last_activity, version,
                                   last_sent, due_at, created_at, cancel_reason, hold_trace_parent, hold_trace_state)
            VALUES (@Id, @Status, @Country, @FirstPublished, @LastPublished, @LastActivity, @Version,
                    @LastSent, @DueAt, @CreatedAt, @CancelReason, @HoldTraceParent, @HoldTraceState)
            """), incident, update: false)
            .ExecuteAsync(cancellationToken);

    public Task UpdateIncidentAsync(IncidentRecord incident) =>
        BindIncident(Statement(
            """
            UPDATE incidents SET status = @Status, country = @Country, first_published = @FirstPublished,
                last_published = @LastPublished, last_activity = @LastActivity, version = @Version,
                last_sent = @LastSent, due_at = @DueAt, cancel_reason = @CancelReason,
                hold_trace_parent = @HoldTraceParent, hold_trace_state = @HoldTraceState
            WHERE id = @Id
            """), incident, update: true)
            .ExecuteAsync(cancellationToken);

    public Task InsertReportAsync(string incidentId, ReportFacts facts, IncidentOutcome outcome, int? version, DateTimeOffset receivedAt) =>
        InsertReportAsync(incidentId, facts, JsonSerializer.SerializeToUtf8Bytes(facts, IncidentStore.Json), outcome, version, receivedAt);

    /// <param name="factsJson">
    /// <paramref name="facts"/> serialised with <see cref="IncidentStore.Json"/> before the transaction, so that the
    /// writer does not spend its time on it.
    /// </param>
    public Task InsertReportAsync(string incidentId, ReportFacts facts, byte[] factsJson, IncidentOutcome outcome, int? version, DateTimeOffset receivedAt) =>
        Statement(
            """
            INSERT INTO incident_reports (item_key, incident_id, published, received_at, outcome, version, facts)
            VALUES (@ItemKey, @incidentId, @published, @receivedAt, @outcome, @version, @facts)
            """)
            .Bind("@ItemKey", facts.ItemKey)
            .Bind("@incidentId", incidentId)
            .Bind("@published", facts.Published.ToUnixTimeMilliseconds())
            .Bind("@receivedAt", receivedAt.ToUnixTimeMilliseconds())
            .Bind("@outcome", outcome.ToString())
            .Bind("@version", version)
            .BindUtf8("@facts", factsJson)
            .ExecuteAsync(cancellationToken);

    /// <param name="pendingUntil">For a released held message: when to release it again unless confirmed.</param>
    public Task InsertVersionAsync(Alert alert, DateTimeOffset? pendingUntil = null, string? traceParent = null, string? traceState = null) =>
        InsertVersionAsync(alert, JsonSerializer.SerializeToUtf8Bytes(alert, IncidentStore.Json), pendingUntil, traceParent, traceState);

    /// <param name="alertJson"><paramref name="alert"/> serialised with <see cref="IncidentStore.Json"/>, before the transaction where it can be.</param>
    public Task InsertVersionAsync(Alert alert, byte[] alertJson, DateTimeOffset? pendingUntil = null, string? traceParent = null, string? traceState = null) =>
        Statement(
            """
            INSERT INTO incident_versions (alert_id, version, msg_type, sent, alert, release_pending_until, trace_parent, trace_state)
            VALUES (@alertId, @version, @msgType, @sent, @json, @pendingUntil, @traceParent, @traceState)
            """)
            .Bind("@alertId", alert.AlertId)
            .Bind("@version", alert.Version)
            .Bind("@msgType", alert.MsgType.ToString())
            .Bind("@sent", alert.Sent.ToUnixTimeMilliseconds())
            .BindUtf8("@json", alertJson)
            .Bind("@pendingUntil", pendingUntil?.ToUnixTimeMilliseconds())
            .Bind("@traceParent", traceParent)
            .Bind("@traceState", traceState)
            .ExecuteAsync(cancellationToken);

    /// <summary>
    /// Released versions not confirmed by <paramref name="now"/>, oldest first; each is leased again until
    /// <paramref name="retryAt"/>.
    /// </summary>
    public async Task<IReadOnlyList<ReleasedAlert>> LeaseUnconfirmedAsync(DateTimeOffset now, DateTimeOffset retryAt)
    {
        var rows = (await connection.QueryAsync<PendingRow>(Command(
            """
            SELECT alert_id AS AlertId, version AS Version, alert AS Alert, trace_parent AS TraceParent, trace_state AS TraceState
            FROM incident_versions
            WHERE release_pending_until IS NOT NULL AND release_pending_until <= @now
            ORDER BY sent, alert_id, version
            """,
            new { now = now.ToUnixTimeMilliseconds() }))).ToList();
        foreach (var row in rows)
        {
            await connection.ExecuteAsync(Command(
                "UPDATE incident_versions SET release_pending_until = @retryAt WHERE alert_id = @AlertId AND version = @Version",
                new { retryAt = retryAt.ToUnixTimeMilliseconds(), row.AlertId, row.Version }));
        }

        return [.. rows.Select(r => new ReleasedAlert(JsonSerializer.Deserialize<Alert>(r.Alert, IncidentStore.Json)!, r.TraceParent, r.TraceState))];
    }

    private CommandDefinition Command(string sql, object? parameters = null) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    /// <summary>For the statements every report runs: kept prepared on the SQLite writer's connection.</summary>
    private StoreStatement Statement(string sql) => StoreStatement.For(connection, transaction, sql);

    /// <summary>The incident's columns in the order of both statements; an update has the id last and no creation time.</summary>
    private static StoreStatement BindIncident(StoreStatement statement, IncidentRecord r, bool update)
    {
        if (!update)
        {
            statement.Bind("@Id", r.Id);
        }

        statement
            .Bind("@Status", r.Status.ToString())
            .Bind("@Country", r.Country)
            .Bind("@FirstPublished", r.FirstPublished.ToUnixTimeMilliseconds())
            .Bind("@LastPublished", r.LastPublished.ToUnixTimeMilliseconds())
            .Bind("@LastActivity", r.LastActivity.ToUnixTimeMilliseconds())
            .Bind("@Version", r.Version)
            .Bind("@LastSent", r.LastSent?.ToUnixTimeMilliseconds())
            .Bind("@DueAt", r.DueAt?.ToUnixTimeMilliseconds());
        if (!update)
        {
            statement.Bind("@CreatedAt", r.CreatedAt.ToUnixTimeMilliseconds());
        }

        statement
            .Bind("@CancelReason", r.CancelReason)
            .Bind("@HoldTraceParent", r.HoldTraceParent)
            .Bind("@HoldTraceState", r.HoldTraceState);
        return update ? statement.Bind("@Id", r.Id) : statement;
    }

    private sealed class PendingRow
    {
        public string AlertId { get; set; } = "";
        public long Version { get; set; }
        public string Alert { get; set; } = "";
        public string? TraceParent { get; set; }
        public string? TraceState { get; set; }
    }

    private sealed class ReportKeyRow
    {
        public string IncidentId { get; set; } = "";
        public string ItemKey { get; set; } = "";
    }

    private sealed class FactsRow
    {
        public string ItemKey { get; set; } = "";
        public string Facts { get; set; } = "";
    }

    /// <summary>A row of <see cref="IncidentColumns"/>, by position.</summary>
    private static IncidentRecord ReadIncident(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        Status = Enum.Parse<IncidentStatus>(r.GetString(1)),
        Country = r.IsDBNull(2) ? null : r.GetString(2),
        FirstPublished = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
        LastPublished = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
        LastActivity = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
        Version = (int)r.GetInt64(6),
        LastSent = r.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)),
        DueAt = r.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)),
        CancelReason = r.IsDBNull(10) ? null : r.GetString(10),
        HoldTraceParent = r.IsDBNull(11) ? null : r.GetString(11),
        HoldTraceState = r.IsDBNull(12) ? null : r.GetString(12),
    };
}

/// <summary>An incident's lifecycle state; its facts live in its reports.</summary>
/// <summary>An open incident a report may join: what matching reads of it, and its reports in the order they were stored.</summary>
internal sealed record IncidentCandidate(string Id, DateTimeOffset LastPublished, List<ReportFacts> Reports);

internal sealed record IncidentRecord
{
    public required string Id { get; init; }
    public required IncidentStatus Status { get; init; }
    public string? Country { get; init; }
    public required DateTimeOffset FirstPublished { get; init; }
    public required DateTimeOffset LastPublished { get; init; }
    public required DateTimeOffset LastActivity { get; init; }

    /// <summary>The last published version; 0 before the first message.</summary>
    public int Version { get; init; }
    public DateTimeOffset? LastSent { get; init; }
    public DateTimeOffset? DueAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? CancelReason { get; init; }

    /// <summary>W3C trace context of the report whose message is held (<see cref="DueAt"/> set), to publish it under.</summary>
    public string? HoldTraceParent { get; init; }
    public string? HoldTraceState { get; init; }
}
