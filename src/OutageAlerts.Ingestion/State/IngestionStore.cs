using Dapper;
using OutageAlerts.Storage;

namespace OutageAlerts.Ingestion.State;

/// <summary>Feed validators and health, and the items already processed, so a restart never alerts twice.</summary>
internal sealed class IngestionStore(IStore store)
{
    public const string MigrationId = "0100-ingestion";

    public const string Schema = """
        CREATE TABLE feed_state (
            feed TEXT PRIMARY KEY,
            etag TEXT NULL,
            last_modified BIGINT NULL,
            last_polled BIGINT NULL,
            last_success BIGINT NULL,
            last_error TEXT NULL,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            polls BIGINT NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'Active',
            status_reason TEXT NULL
        );
        CREATE TABLE seen_items (
            item_key TEXT PRIMARY KEY,
            feed TEXT NOT NULL,
            first_seen BIGINT NOT NULL,
            alert_id TEXT NULL
        );
        """;

    /// <summary>Back-off, Retry-After and pause state (issue 3); added beside the first schema, never folded into it.</summary>
    public const string BackoffMigrationId = "0101-ingestion-feed-backoff";

    public const string BackoffSchema = """
        ALTER TABLE feed_state ADD COLUMN next_poll_after BIGINT NULL;
        ALTER TABLE feed_state ADD COLUMN consecutive_parse_failures INTEGER NOT NULL DEFAULT 0;
        """;

    private const string SelectColumns = """
        SELECT feed AS Feed, etag AS ETag, last_modified AS LastModified, last_polled AS LastPolled,
               last_success AS LastSuccess, last_error AS LastError, consecutive_failures AS ConsecutiveFailures,
               consecutive_parse_failures AS ConsecutiveParseFailures, polls AS Polls, status AS Status,
               status_reason AS StatusReason, next_poll_after AS NextPollAfter
        FROM feed_state
        """;

    public async Task<FeedState> GetFeedAsync(string feed, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<FeedStateRow>(new CommandDefinition(
            SelectColumns + " WHERE feed = @feed",
            new { feed },
            cancellationToken: cancellationToken));
        return row?.ToState() ?? new FeedState { Feed = feed };
    }

    public async Task<IReadOnlyList<FeedState>> ListFeedsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<FeedStateRow>(new CommandDefinition(
            SelectColumns + " ORDER BY feed",
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToState())];
    }

    public Task SaveFeedAsync(FeedState state, CancellationToken cancellationToken) =>
        store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO feed_state (feed, etag, last_modified, last_polled, last_success, last_error,
                                        consecutive_failures, consecutive_parse_failures, polls, status, status_reason,
                                        next_poll_after)
                VALUES (@Feed, @ETag, @LastModified, @LastPolled, @LastSuccess, @LastError,
                        @ConsecutiveFailures, @ConsecutiveParseFailures, @Polls, @Status, @StatusReason, @NextPollAfter)
                ON CONFLICT (feed) DO UPDATE SET
                    etag = excluded.etag, last_modified = excluded.last_modified, last_polled = excluded.last_polled,
                    last_success = excluded.last_success, last_error = excluded.last_error,
                    consecutive_failures = excluded.consecutive_failures,
                    consecutive_parse_failures = excluded.consecutive_parse_failures, polls = excluded.polls,
                    status = excluded.status, status_reason = excluded.status_reason,
                    next_poll_after = excluded.next_poll_after
                """,
                FeedStateRow.From(state),
                transaction,
                cancellationToken: ct)),
            cancellationToken);

    /// <summary>
    /// Operator action: returns a paused, backing-off or disabled feed to the schedule at its next trigger, with the
    /// failure counters cleared. False when the store has no state for the feed (it was never polled).
    /// </summary>
    public async Task<bool> ResumeFeedAsync(string feed, string reason, CancellationToken cancellationToken)
    {
        var updated = await store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE feed_state SET status = @status, status_reason = @reason, next_poll_after = NULL,
                                      consecutive_failures = 0, consecutive_parse_failures = 0
                WHERE feed = @feed
                """,
                new { feed, reason, status = nameof(FeedStatus.Active) },
                transaction,
                cancellationToken: ct)),
            cancellationToken);
        return updated > 0;
    }

    /// <summary>The subset of <paramref name="itemKeys"/> already processed.</summary>
    public async Task<HashSet<string>> FindSeenAsync(IReadOnlyCollection<string> itemKeys, CancellationToken cancellationToken)
    {
        if (itemKeys.Count == 0)
        {
            return [];
        }

        await using var connection = await store.OpenAsync(cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // Chunked: SQLite caps bound parameters per statement, and feeds can carry hundreds of items.
        foreach (var chunk in itemKeys.Chunk(500))
        {
            seen.UnionWith(await connection.QueryAsync<string>(new CommandDefinition(
                // Npgsql binds a list as one array parameter, which PostgreSQL compares with ANY.
                store.Provider == StoreProvider.Postgres
                    ? "SELECT item_key FROM seen_items WHERE item_key = ANY(@chunk)"
                    : "SELECT item_key FROM seen_items WHERE item_key IN @chunk",
                new { chunk },
                cancellationToken: cancellationToken)));
        }

        return seen;
    }

    public Task MarkSeenAsync(string itemKey, string feed, DateTimeOffset at, string? alertId, CancellationToken cancellationToken) =>
        store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO seen_items (item_key, feed, first_seen, alert_id) VALUES (@itemKey, @feed, @at, @alertId)
                ON CONFLICT (item_key) DO NOTHING
                """,
                new { itemKey, feed, at = at.ToUnixTimeMilliseconds(), alertId },
                transaction,
                cancellationToken: ct)),
            cancellationToken);

    /// <summary>
    /// Records several processed items in one transaction: a poll's items, once their alerts are confirmed, cost one
    /// commit instead of one per item (issue 10).
    /// </summary>
    public async Task MarkSeenAsync(IReadOnlyCollection<(string ItemKey, string? AlertId)> items, string feed, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        var firstSeen = at.ToUnixTimeMilliseconds();
        await store.WriteAsync(
            async (connection, transaction, ct) =>
            {
                foreach (var (itemKey, alertId) in items)
                {
                    await StoreStatement.For(
                            connection,
                            transaction,
                            """
                            INSERT INTO seen_items (item_key, feed, first_seen, alert_id) VALUES (@itemKey, @feed, @firstSeen, @alertId)
                            ON CONFLICT (item_key) DO NOTHING
                            """)
                        .Bind("@itemKey", itemKey)
                        .Bind("@feed", feed)
                        .Bind("@firstSeen", firstSeen)
                        .Bind("@alertId", alertId)
                        .ExecuteAsync(ct);
                }
            },
            cancellationToken);
    }

    private sealed class FeedStateRow
    {
        public string Feed { get; set; } = "";
        public string? ETag { get; set; }
        public long? LastModified { get; set; }
        public long? LastPolled { get; set; }
        public long? LastSuccess { get; set; }
        public string? LastError { get; set; }
        public long ConsecutiveFailures { get; set; }
        public long ConsecutiveParseFailures { get; set; }
        public long Polls { get; set; }
        public string Status { get; set; } = nameof(FeedStatus.Active);
        public string? StatusReason { get; set; }
        public long? NextPollAfter { get; set; }

        public static FeedStateRow From(FeedState s) => new()
        {
            Feed = s.Feed,
            ETag = s.ETag,
            LastModified = s.LastModified?.ToUnixTimeMilliseconds(),
            LastPolled = s.LastPolled?.ToUnixTimeMilliseconds(),
            LastSuccess = s.LastSuccess?.ToUnixTimeMilliseconds(),
            LastError = s.LastError,
            ConsecutiveFailures = s.ConsecutiveFailures,
            ConsecutiveParseFailures = s.ConsecutiveParseFailures,
            Polls = s.Polls,
            Status = s.Status.ToString(),
            StatusReason = s.StatusReason,
            NextPollAfter = s.NextPollAfter?.ToUnixTimeMilliseconds(),
        };

        public FeedState ToState() => new()
        {
            Feed = Feed,
            ETag = ETag,
            LastModified = FromUnix(LastModified),
            LastPolled = FromUnix(LastPolled),
            LastSuccess = FromUnix(LastSuccess),
            LastError = LastError,
            ConsecutiveFailures = (int)ConsecutiveFailures,
            ConsecutiveParseFailures = (int)ConsecutiveParseFailures,
            Polls = Polls,
            Status = Enum.TryParse<FeedStatus>(Status, out var status) ? status : FeedStatus.Active,
            StatusReason = StatusReason,
            NextPollAfter = FromUnix(NextPollAfter),
        };

        private static DateTimeOffset? FromUnix(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
    }
}
