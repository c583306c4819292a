using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Ingestion.State;
using OutageAlerts.Storage;
using OutageAlerts.Storage.Retention;
using OutageAlerts.Testing;

namespace OutageAlerts.Ingestion.Tests.State;

/// <summary>Seen items forgotten once older than the retention period, on both stores, with the migrated index.</summary>
public sealed class SeenItemsRetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(IngestionStoreTests.Providers), MemberType = typeof(IngestionStoreTests))]
    public async Task PurgeAsync_ItemsSeenBeforeTheCutoff_AreForgottenInBatchesAndNewerOnesKept(StoreProvider provider)
    {
        await using var testStore = await TestStore.CreateAsync(provider);
        await using var services = testStore.BuildServices(s => s.AddIngestion(new ConfigurationBuilder().AddInMemoryCollection(testStore.Settings).Build()));
        var store = services.GetRequiredService<IngestionStore>();
        var retention = Assert.Single(services.GetServices<IStoreRetention>(), r => r is SeenItemsRetention);
        var cutoff = Now.AddDays(-180);
        await store.MarkSeenAsync([("old-1", null), ("old-2", null), ("old-3", "oa-1")], "wire", cutoff.AddDays(-20), CancellationToken.None);
        await store.MarkSeenAsync([("edge", null)], "wire", cutoff, CancellationToken.None);
        await store.MarkSeenAsync([("new", "oa-2")], "wire", Now.AddDays(-1), CancellationToken.None);

        var first = await retention.PurgeAsync(cutoff, 2, CancellationToken.None);
        var second = await retention.PurgeAsync(cutoff, 2, CancellationToken.None);
        var third = await retention.PurgeAsync(cutoff, 2, CancellationToken.None);

        Assert.Equal((2, 1, 0), (first, second, third));
        var left = await store.FindSeenAsync(["old-1", "old-2", "old-3", "edge", "new"], CancellationToken.None);
        // Seen exactly at the cutoff is not older than it.
        Assert.Equal(["edge", "new"], left.Order(StringComparer.Ordinal));
    }
}
