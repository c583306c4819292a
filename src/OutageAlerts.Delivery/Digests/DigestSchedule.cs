using Dapper;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Storage;

namespace OutageAlerts.Delivery.Digests;

/// <summary>One alert version waiting for (or sent in) a subscription's digest.</summary>
public sealed record DigestEntry(string SubscriptionId, string AlertId, int Version, DateTimeOffset DueAt);

/// <summary>A digest email: the entries it carries are claimed by its id, so a crash never sends them twice or not at all.</summary>
public sealed record PendingDigest(string Id, string SubscriptionId, int Attempts, IReadOnlyList<DigestEntry> Entries);

/// <summary>
/// The store side of digests. Routing adds entries with the time their digest is due; the pump claims due
/// entries into a digest row in one transaction, sends it, and retries it from the store until it is delivered
/// or the attempts run out. Claims carry a lease so two delivery processes never send the same digest.
/// </summary>
public sealed class DigestSchedule(IStore store, TimeProvider time)
{
    public const string MigrationId = "0120-digests";

    public const string MigrationSql = """
        CREATE TABLE IF NOT EXISTS digest_entries (
            subscription_id TEXT NOT NULL,
            alert_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            due_at BIGINT NOT NULL,
            added_at BIGINT NOT NULL,
            digest_id TEXT NULL,
            PRIMARY KEY (subscription_id, alert_id, version)
        );
        CREATE INDEX IF NOT EXISTS ix_digest_entries_due ON digest_entries (due_at);
        CREATE INDEX IF NOT EXISTS ix_digest_entries_digest ON digest_entries (digest_id);
        CREATE TABLE IF NOT EXISTS digests (
            id TEXT NOT NULL PRIMARY KEY,
            subscription_id TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at BIGINT NOT NULL,
            lease_until BIGINT NULL,
            last_error TEXT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_digests_status ON digests (status, next_attempt_at);
        """;

    private const int MaxErrorLength = 1000;

    /// <summary>Idempotent: the same alert version routed again (a redelivery) keeps its first due time.</summary>
    public async Task AddAsync(DigestEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var row = new
        {
            entry.SubscriptionId, entry.AlertId, entry.Version, DueAt = entry.DueAt.ToUnixTimeMilliseconds(),
            Now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        await store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO digest_entries (subscription_id, alert_id, version, due_at, added_at)
                VALUES (@SubscriptionId, @AlertId, @Version, @DueAt, @Now)
                ON CONFLICT (subscription_id, alert_id, version) DO NOTHING
                """,
                row,
                transaction,
                cancellationToken: ct)),
            cancellationToken);
    }

    /// <summary>
    /// Moves every due, unclaimed entry into a new digest per subscription (one transaction each); returns the
    /// number of digests made.
    /// </summary>
    public async Task<int> ClaimDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        List<string> subscriptions;
        await using (var connection = await store.OpenAsync(cancellationToken))
        {
            subscriptions = (await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT DISTINCT subscription_id FROM digest_entries WHERE digest_id IS NULL AND due_at <= @Now",
                new { Now = now },
                cancellationToken: cancellationToken))).ToList();
        }

        var made = 0;
        foreach (var subscriptionId in subscriptions)
        {
            var id = $"digest-{Guid.CreateVersion7(time.GetUtcNow()):N}";
            var claimed = await store.WriteAsync(
                async (connection, transaction, ct) =>
                {
                    var entries = await connection.ExecuteAsync(new CommandDefinition(
                        """
                        UPDATE digest_entries SET digest_id = @Id
                        WHERE subscription_id = @SubscriptionId AND digest_id IS NULL AND due_at <= @Now
                        """,
                        new { Id = id, SubscriptionId = subscriptionId, Now = now },
                        transaction,
                        cancellationToken: ct));
                    if (entries == 0)
                    {
                        return false;
                    }

                    await connection.ExecuteAsync(new CommandDefinition(
                        """
                        INSERT INTO digests (id, subscription_id, status, attempts, next_attempt_at, created_at, updated_at)
                        VALUES (@Id, @SubscriptionId, @Pending, 0, @Now, @Now, @Now)
                        """,
                        new { Id = id, SubscriptionId = subscriptionId, Pending = nameof(DeliveryStatus.Pending), Now = now },
                        transaction,
                        cancellationToken: ct));
                    return true;
                },
                cancellationToken);
            if (claimed)
            {
                made++;
            }
        }

        return made;
    }

    /// <summary>Leases up to <paramref name="limit"/> pending digests whose next attempt is due, with their entries.</summary>
    public async Task<IReadOnlyList<PendingDigest>> LeaseDueAsync(int limit, TimeSpan leaseFor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        List<(string Id, string SubscriptionId)> candidates;
        await using (var connection = await store.OpenAsync(cancellationToken))
        {
            candidates = (await connection.QueryAsync<(string Id, string SubscriptionId)>(new CommandDefinition(
                """
                SELECT id, subscription_id FROM digests
                WHERE status = @Pending AND next_attempt_at <= @Now AND (lease_until IS NULL OR lease_until < @Now)
                ORDER BY next_attempt_at LIMIT @Limit
                """,
                new { Pending = nameof(DeliveryStatus.Pending), Now = now, Limit = limit },
                cancellationToken: cancellationToken))).ToList();
        }

        var leased = new List<PendingDigest>();
        foreach (var (id, subscriptionId) in candidates)
        {
            var digest = await store.WriteAsync<PendingDigest?>(
                async (connection, transaction, ct) =>
                {
                    // The conditional update is the claim: of two processes that saw the same row, one gets it.
                    var attempts = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                        """
                        UPDATE digests SET lease_until = @LeaseUntil, attempts = attempts + 1, updated_at = @Now
                        WHERE id = @Id AND status = @Pending AND (lease_until IS NULL OR lease_until < @Now)
                        RETURNING attempts
                        """,
                        new
                        {
                            Id = id, Pending = nameof(DeliveryStatus.Pending), Now = now,
                            LeaseUntil = now + (long)leaseFor.TotalMilliseconds,
                        },
                        transaction,
                        cancellationToken: ct));
                    if (attempts is null)
                    {
                        return null;
                    }

                    var entries = await connection.QueryAsync<(string AlertId, long Version, long DueAt)>(new CommandDefinition(
                        "SELECT alert_id, version, due_at FROM digest_entries WHERE digest_id = @Id ORDER BY alert_id, version",
                        new { Id = id },
                        transaction,
                        cancellationToken: ct));
                    return new PendingDigest(
                        id,
                        subscriptionId,
                        (int)attempts.Value,
                        [.. entries.Select(e => new DigestEntry(subscriptionId, e.AlertId, (int)e.Version, DateTimeOffset.FromUnixTimeMilliseconds(e.DueAt)))]);
                },
                cancellationToken);
            if (digest is not null)
            {
                leased.Add(digest);
            }
        }

        return leased;
    }

    public Task MarkDeliveredAsync(string digestId, CancellationToken cancellationToken) =>
        FinishAsync(digestId, DeliveryStatus.Delivered, null, null, cancellationToken);

    public Task MarkFailedAsync(string digestId, string error, CancellationToken cancellationToken) =>
        FinishAsync(digestId, DeliveryStatus.Failed, error, null, cancellationToken);

    /// <summary>Releases the lease and sets when the digest is tried again.</summary>
    public Task RetryAtAsync(string digestId, string error, DateTimeOffset at, CancellationToken cancellationToken) =>
        FinishAsync(digestId, DeliveryStatus.Pending, error, at, cancellationToken);

    /// <summary>Digests not yet delivered, for operators.</summary>
    public async Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM digest_entries WHERE digest_id IS NULL",
            cancellationToken: cancellationToken));
    }

    private async Task FinishAsync(string digestId, DeliveryStatus status, string? error, DateTimeOffset? nextAttempt, CancellationToken cancellationToken)
    {
        var row = new
        {
            Id = digestId, Status = status.ToString(), Now = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Error = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error,
            Next = nextAttempt?.ToUnixTimeMilliseconds(),
        };
        await store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE digests SET status = @Status, lease_until = NULL, updated_at = @Now,
                    last_error = COALESCE(@Error, last_error), next_attempt_at = COALESCE(@Next, next_attempt_at)
                WHERE id = @Id
                """,
                row,
                transaction,
                cancellationToken: ct)),
            cancellationToken);
    }
}
