using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OutageAlerts.Ingestion.State;
using OutageAlerts.Storage;
using OutageAlerts.Testing;

namespace OutageAlerts.Ingestion.Tests.State;

public sealed class FeedPollClaimsTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(4);

    private static async Task<(TestStore Store, ServiceProvider Services)> StoreAsync(StoreProvider provider)
    {
        var store = await TestStore.CreateAsync(provider);
        var services = store.BuildServices(s => s.AddStoreMigration(FeedPollClaims.MigrationId, FeedPollClaims.Schema));
        return (store, services);
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task TryClaimAsync_TwoReplicasWithinThreeQuartersOfAnInterval_OnlyTheFirstPolls(StoreProvider provider)
    {
        var (store, services) = await StoreAsync(provider);
        await using var _ = store;
        await using var __ = services;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        var first = new FeedPollClaims(services.GetRequiredService<IStore>(), time, enabled: true);
        var second = new FeedPollClaims(services.GetRequiredService<IStore>(), time, enabled: true);

        Assert.True(await first.TryClaimAsync("wire-en", Interval, CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(2.9));
        Assert.False(await second.TryClaimAsync("wire-en", Interval, CancellationToken.None));
        Assert.True(await second.TryClaimAsync("wire-uk", Interval, CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(0.2));
        Assert.True(await second.TryClaimAsync("wire-en", Interval, CancellationToken.None));
        Assert.False(await first.TryClaimAsync("wire-en", Interval, CancellationToken.None));
    }

    [Fact]
    public async Task TryClaimAsync_SingleNode_AlwaysPolls()
    {
        var (store, services) = await StoreAsync(StoreProvider.Sqlite);
        await using var _ = store;
        await using var __ = services;
        var claims = new FeedPollClaims(services.GetRequiredService<IStore>(), TimeProvider.System, enabled: false);

        Assert.True(await claims.TryClaimAsync("wire-en", Interval, CancellationToken.None));
        Assert.True(await claims.TryClaimAsync("wire-en", Interval, CancellationToken.None));
    }
}
