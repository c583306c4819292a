using Dapper;
using OutageAlerts.Storage;

namespace OutageAlerts.Ingestion.State;

/// <summary>
/// With several ingestion replicas, the store decides which one polls a feed in an interval: Quartz's cluster
/// fires each trigger once, but a replica starved of processor time past the misfire threshold can fire a poll
/// another replica already took over. A poll goes ahead only if it wins the feed's claim, which is free once three
/// quarters of an interval have passed since the last one: a poll that fired late keeps the next, on-time one of
/// another replica out (the feed then waits one interval more, which is the price of never fetching it twice).
/// Off (always granted) on a single node.
/// </summary>
public sealed class FeedPollClaims(IStore store, TimeProvider time, bool enabled)
{
    public const string MigrationId = "0102-ingestion-poll-claims";

    public const string Schema = """
        CREATE TABLE IF NOT EXISTS feed_poll_claims (
            feed TEXT NOT NULL PRIMARY KEY,
            claimed_at BIGINT NOT NULL
        );
        """;

    /// <summary>The part of a feed's interval its claim lasts.</summary>
    public const double ClaimFraction = 0.75;

    public bool Enabled => enabled;

    /// <summary>True when this replica may poll <paramref name="feed"/> now; one conditional statement decides.</summary>
    public async Task<bool> TryClaimAsync(string feed, TimeSpan interval, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return true;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var claimed = await store.WriteAsync(
            (connection, transaction, ct) => connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                """
                INSERT INTO feed_poll_claims (feed, claimed_at) VALUES (@Feed, @Now)
                ON CONFLICT (feed) DO UPDATE SET claimed_at = @Now WHERE feed_poll_claims.claimed_at <= @FreeAfter
                RETURNING claimed_at
                """,
                new { Feed = feed, Now = now, FreeAfter = now - (long)(interval.TotalMilliseconds * ClaimFraction) },
                transaction,
                cancellationToken: ct)),
            cancellationToken);
        return claimed is not null;
    }
}
