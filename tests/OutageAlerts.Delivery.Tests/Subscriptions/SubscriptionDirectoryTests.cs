using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Admin;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Storage;

namespace OutageAlerts.Delivery.Tests.Subscriptions;

/// <summary>Configured and stored subscriptions merged, and the short cache in front of the store.</summary>
public sealed class SubscriptionDirectoryTests
{
    private static DeliveryServices Services(string? cacheDuration = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["OutageAlerts:Subscriptions:0:Id"] = "relief-hook",
            ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
            ["OutageAlerts:Subscriptions:0:Target"] = "https://relief.example.org/hooks/alerts",
            ["OutageAlerts:Subscriptions:0:Secret"] = "whsec_BQSId+565p4ys+y/kiP16OfKS9eTEOUha9rgTPNoYIY=",
        };
        if (cacheDuration is not null)
        {
            settings["OutageAlerts:Admin:CacheDuration"] = cacheDuration;
        }

        return DeliveryServices.Create(settings);
    }

    /// <summary>Another process writing to the same store: its own instance, whose writes this one's cache cannot hear.</summary>
    private static StoredSubscriptions OtherProcess(DeliveryServices services) =>
        new(services.Get<IStore>(), services.Time, services.Get<IOptionsMonitor<AdminOptions>>());

    [Fact]
    public async Task AddDelivery_RegistersTheMergingDirectory()
    {
        await using var services = Services();

        Assert.IsType<SubscriptionDirectory>(services.Get<ISubscriptionDirectory>());
    }

    [Fact]
    public async Task ListAsync_ConfiguredAndStored_ConfiguredFirst()
    {
        await using var services = Services();
        await services.Get<StoredSubscriptions>().CreateAsync(StoredSubscriptionsTests.Webhook("ngo-hook"));

        var all = await services.Get<ISubscriptionDirectory>().ListAsync(CancellationToken.None);

        Assert.Equal(["relief-hook", "ngo-hook"], all.Select(s => s.Id));
    }

    [Fact]
    public async Task ListAndFind_StoredIdLaterConfigured_ConfiguredWins()
    {
        await using var services = Services();
        var shadowed = StoredSubscriptionsTests.Webhook("relief-hook");
        shadowed.Target = "https://stale.example.net/";
        await services.Get<StoredSubscriptions>().CreateAsync(shadowed);
        var directory = services.Get<ISubscriptionDirectory>();

        var all = await directory.ListAsync(CancellationToken.None);
        var found = await directory.FindAsync("relief-hook", CancellationToken.None);

        Assert.Equal("https://relief.example.org/hooks/alerts", Assert.Single(all).Target);
        Assert.Equal("https://relief.example.org/hooks/alerts", found!.Target);
    }

    [Fact]
    public async Task ListAsync_WrittenByAnotherProcess_SeenOnlyOnceTheCacheExpires()
    {
        await using var services = Services();
        var directory = services.Get<ISubscriptionDirectory>();
        Assert.Single(await directory.ListAsync(CancellationToken.None));

        await OtherProcess(services).CreateAsync(StoredSubscriptionsTests.Webhook("ngo-hook"));
        services.Time.Advance(AdminOptions.DefaultCacheDuration - TimeSpan.FromMilliseconds(1));
        var before = await directory.ListAsync(CancellationToken.None);
        var foundBefore = await directory.FindAsync("ngo-hook", CancellationToken.None);
        services.Time.Advance(TimeSpan.FromMilliseconds(1));
        var after = await directory.ListAsync(CancellationToken.None);

        Assert.Single(before);
        Assert.Null(foundBefore);
        Assert.Equal(["relief-hook", "ngo-hook"], after.Select(s => s.Id));
    }

    [Fact]
    public async Task FindAsync_DeletedInThisProcess_GoneAtOnce()
    {
        await using var services = Services();
        var stored = services.Get<StoredSubscriptions>();
        await stored.CreateAsync(StoredSubscriptionsTests.Webhook("ngo-hook"));
        var directory = services.Get<ISubscriptionDirectory>();
        Assert.NotNull(await directory.FindAsync("ngo-hook", CancellationToken.None));

        await stored.DeleteAsync("ngo-hook");

        Assert.Null(await directory.FindAsync("ngo-hook", CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_CacheDurationZero_ReadsTheStoreEveryTime()
    {
        await using var services = Services(cacheDuration: "00:00:00");
        var directory = services.Get<ISubscriptionDirectory>();
        Assert.Single(await directory.ListAsync(CancellationToken.None));

        await OtherProcess(services).CreateAsync(StoredSubscriptionsTests.Webhook("ngo-hook"));

        Assert.Equal(2, (await directory.ListAsync(CancellationToken.None)).Count);
    }
}
