using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Ingestion.State;
using OutageAlerts.Storage;
using OutageAlerts.Testing;

namespace OutageAlerts.Ingestion.Tests.State;

/// <summary>The feed state round trip, including the back-off columns of migration 0101, on both stores.</summary>
public sealed class IngestionStoreTests
{
    public static TheoryData<StoreProvider> Providers()
    {
        var providers = new TheoryData<StoreProvider> { StoreProvider.Sqlite };
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TestStore.PostgresVariable)))
        {
            providers.Add(StoreProvider.Postgres);
        }

        return providers;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SaveFeedAsync_BackoffState_RoundTripsAndResumeClearsIt(StoreProvider provider)
    {
        await using var testStore = await TestStore.CreateAsync(provider);
        await using var services = testStore.BuildServices(s => s.AddFeedStateAdministration(new ConfigurationBuilder().AddInMemoryCollection(testStore.Settings).Build()));
        var store = services.GetRequiredService<IngestionStore>();
        var next = new DateTimeOffset(2026, 11, 30, 14, 0, 0, TimeSpan.Zero);
        var saved = new FeedState
        {
            Feed = "wire",
            ETag = "\"e\"",
            ConsecutiveFailures = 4,
            ConsecutiveParseFailures = 3,
            Polls = 9,
            Status = FeedStatus.Paused,
            StatusReason = "paused after 3 consecutive parse failures",
            NextPollAfter = next,
            LastError = "parse: not a feed",
        };

        await store.SaveFeedAsync(saved, CancellationToken.None);
        var loaded = await store.GetFeedAsync("wire", CancellationToken.None);
        var resumed = await services.GetRequiredService<FeedStateAdministration>().ResumeAsync("wire", CancellationToken.None);
        var listed = Assert.Single(await services.GetRequiredService<FeedStateAdministration>().ListAsync(CancellationToken.None));

        Assert.Equal(saved, loaded);
        Assert.True(resumed);
        Assert.Equal(FeedStatus.Active, listed.Status);
        Assert.Null(listed.NextPollAfter);
        Assert.Equal(0, listed.ConsecutiveFailures);
        Assert.Equal(0, listed.ConsecutiveParseFailures);
        Assert.Equal("\"e\"", listed.ETag);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task MarkSeenAsync_SeveralItems_AllFoundAndRepeatsIgnored(StoreProvider provider)
    {
        await using var testStore = await TestStore.CreateAsync(provider);
        await using var services = testStore.BuildServices(s => s.AddFeedStateAdministration(new ConfigurationBuilder().AddInMemoryCollection(testStore.Settings).Build()));
        var store = services.GetRequiredService<IngestionStore>();
        var at = new DateTimeOffset(2026, 11, 30, 14, 0, 0, TimeSpan.Zero);

        await store.MarkSeenAsync([("wire:a", "oa-1"), ("wire:b", null)], "wire", at, CancellationToken.None);
        await store.MarkSeenAsync([("wire:b", "oa-2"), ("wire:c", null)], "wire", at, CancellationToken.None);
        await store.MarkSeenAsync([], "wire", at, CancellationToken.None);
        var seen = await store.FindSeenAsync(["wire:a", "wire:b", "wire:c", "wire:d"], CancellationToken.None);

        Assert.Equal(["wire:a", "wire:b", "wire:c"], seen.Order(StringComparer.Ordinal));
    }
}
