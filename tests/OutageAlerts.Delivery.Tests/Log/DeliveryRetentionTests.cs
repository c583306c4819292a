using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Storage;
using OutageAlerts.Storage.Retention;
using OutageAlerts.Testing;

namespace OutageAlerts.Delivery.Tests.Log;

/// <summary>The delivery role's tables purged past the retention period, on both stores.</summary>
public sealed class DeliveryRetentionTests
{
    private static readonly DateTimeOffset Cutoff = DeliveryServices.Now.AddDays(-180);

    private static readonly string[] Tables =
        ["delivery_log", "delivery_alerts", "current_alerts", "digest_entries", "digests", "delivery_sms_status", "delivery_retries"];

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task PurgeAsync_RowsOlderThanTheCutoff_AreDeletedInBatchesAndTheRestKept(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = DeliveryServices.Create(new Dictionary<string, string?>(store.Settings));
        var retention = Assert.Single(services.Provider.GetServices<IStoreRetention>(), r => r is DeliveryRetention);
        var old = Cutoff.AddDays(-3).ToUnixTimeMilliseconds();
        var older = Cutoff.AddDays(-9).ToUnixTimeMilliseconds();
        var recent = Cutoff.AddDays(170).ToUnixTimeMilliseconds();
        await services.Get<IStore>().WriteAsync(async (connection, transaction, _) =>
        {
            foreach (var (id, at) in new[] { ("oa-old", older), ("oa-old2", old), ("oa-new", recent) })
            {
                await connection.ExecuteAsync(
                    """
                    INSERT INTO delivery_log (alert_id, version, subscription_id, channel, recipient, kind, status, attempts, created_at, updated_at)
                        VALUES (@id, 1, 'desk', 'Email', 'desk@example.org', 'Raised', 'Delivered', 1, @at, @at);
                    INSERT INTO delivery_alerts (alert_id, version, kind, severity, sent_at, stored_at, payload)
                        VALUES (@id, 1, 'Raised', 'Severe', @at, @at, '{}');
                    INSERT INTO current_alerts (alert_id, version, kind, severity, country, regions, sent_at, recorded_at, payload)
                        VALUES (@id, 1, 'Raised', 3, 'UA', 'UA-63', @at, @at, '{}');
                    INSERT INTO digest_entries (subscription_id, alert_id, version, due_at, added_at, digest_id)
                        VALUES ('digest-desk', @id, 1, @at, @at, @id);
                    INSERT INTO digests (id, subscription_id, status, attempts, next_attempt_at, created_at, updated_at)
                        VALUES (@id, 'digest-desk', 'Delivered', 1, @at, @at, @at);
                    INSERT INTO delivery_sms_status (message_sid, status, received_at) VALUES (@id, 'delivered', @at);
                    INSERT INTO delivery_retries (alert_id, version, subscription_id, channel, due_at) VALUES (@id, 1, 'desk', 'Email', @at);
                    """,
                    new { id, at },
                    transaction);
            }

            // Touched after the cutoff, so still in use however old: a delivery retried lately and a digest not sent.
            await connection.ExecuteAsync(
                """
                INSERT INTO delivery_log (alert_id, version, subscription_id, channel, recipient, kind, status, attempts, created_at, updated_at)
                    VALUES ('oa-retried', 1, 'desk', 'Webhook', 'https://hooks.example.org/a', 'Raised', 'Pending', 4, @old, @recent);
                INSERT INTO digests (id, subscription_id, status, attempts, next_attempt_at, created_at, updated_at)
                    VALUES ('pending-digest', 'digest-desk', 'Pending', 2, @old, @old, @old);
                """,
                new { old, recent },
                transaction);
        });

        // Two old rows per table, one per table per call at limit 1.
        var first = await retention.PurgeAsync(Cutoff, 1, CancellationToken.None);
        var second = await retention.PurgeAsync(Cutoff, 1, CancellationToken.None);
        var third = await retention.PurgeAsync(Cutoff, 1, CancellationToken.None);

        Assert.Equal((Tables.Length, Tables.Length, 0), (first, second, third));
        await using var read = await services.Get<IStore>().OpenAsync();
        foreach (var table in Tables)
        {
            var count = await read.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
            Assert.True(count == (table is "delivery_log" or "digests" ? 2 : 1), $"{table}: {count} rows left");
        }

        Assert.Equal(
            ["oa-new", "oa-retried"],
            (await read.QueryAsync<string>("SELECT alert_id FROM delivery_log")).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["oa-new", "pending-digest"],
            (await read.QueryAsync<string>("SELECT id FROM digests")).Order(StringComparer.Ordinal));
    }
}
