using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Storage;
using OutageAlerts.Testing;

namespace OutageAlerts.Delivery.Tests.Subscriptions;

/// <summary>The subscriptions table of migration 0160 on both stores.</summary>
public sealed class StoredSubscriptionsTests
{
    private const string Secret = "whsec_OECIEZ1F5FyuF9kkPkmxRbLSVgfldFg5";

    public static TheoryData<StoreProvider> Providers()
    {
        var providers = new TheoryData<StoreProvider> { StoreProvider.Sqlite };
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TestStore.PostgresVariable)))
        {
            providers.Add(StoreProvider.Postgres);
        }

        return providers;
    }

    internal static Subscription Webhook(string id = "ngo-hook") => new()
    {
        Id = id,
        Channel = DeliveryChannel.Webhook,
        Target = "https://ngo.example.net/incoming",
        Secret = Secret,
        Format = SubscriptionFormat.Cap,
        MinSeverity = Severity.Severe,
        Countries = ["UA"],
        Regions = ["UA-63", "UA-30"],
        Targets = ["power_grid"],
        Languages = ["uk"],
        Language = "uk",
        QuietHours = "22:00-07:00",
        TimeZone = "Europe/Kyiv",
        DigestTime = new TimeOnly(7, 30),
        MaxPerHour = 12,
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task CreateAsync_NewId_RoundTripsEveryFieldAtRevisionOne(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = DeliveryServices.Create(store.Settings);
        var subscriptions = services.Get<StoredSubscriptions>();
        var original = Webhook();

        var created = await subscriptions.CreateAsync(original);
        var read = await subscriptions.FindAsync("ngo-hook");

        Assert.NotNull(created);
        Assert.Equal(1, read!.Revision);
        Assert.Equal(DeliveryServices.Now, read.CreatedAt);
        Assert.Equal(DeliveryServices.Now, read.UpdatedAt);
        Assert.Equal(StoredSubscriptions.Serialize(Webhook()), StoredSubscriptions.Serialize(read.Subscription));
        Assert.Equal(Secret, read.Subscription.Secret);
        Assert.Equal(new TimeOnly(7, 30), read.Subscription.DigestTime);
        Assert.Equal("/api/admin/subscriptions/ngo-hook", read.Subscription.ConfigurationPath);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task CreateAsync_IdAlreadyStored_ReturnsNullAndKeepsTheFirst(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = DeliveryServices.Create(store.Settings);
        var subscriptions = services.Get<StoredSubscriptions>();
        await subscriptions.CreateAsync(Webhook());
        var second = Webhook();
        second.Target = "https://other.example.net/";

        var result = await subscriptions.CreateAsync(second);

        Assert.Null(result);
        Assert.Equal("https://ngo.example.net/incoming", (await subscriptions.FindAsync("ngo-hook"))!.Subscription.Target);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task UpdateAsync_CurrentThenStaleRevision_SecondIsRefused(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = DeliveryServices.Create(store.Settings);
        var subscriptions = services.Get<StoredSubscriptions>();
        await subscriptions.CreateAsync(Webhook());
        services.Time.Advance(TimeSpan.FromMinutes(3));
        var changed = Webhook();
        changed.Regions = ["UA-51"];
        var late = Webhook();
        late.Regions = ["UA-46"];

        var first = await subscriptions.UpdateAsync(changed, expectedRevision: 1);
        var second = await subscriptions.UpdateAsync(late, expectedRevision: 1);

        Assert.Equal(2, first!.Revision);
        Assert.Null(second);
        var read = await subscriptions.FindAsync("ngo-hook");
        Assert.Equal(["UA-51"], read!.Subscription.Regions);
        Assert.Equal(2, read.Revision);
        Assert.Equal(DeliveryServices.Now, read.CreatedAt);
        Assert.Equal(DeliveryServices.Now.AddMinutes(3), read.UpdatedAt);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task DeleteAsync_StaleRevisionThenCurrent_OnlyCurrentDeletes(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = DeliveryServices.Create(store.Settings);
        var subscriptions = services.Get<StoredSubscriptions>();
        await subscriptions.CreateAsync(Webhook());
        await subscriptions.UpdateAsync(Webhook(), 1);

        var stale = await subscriptions.DeleteAsync("ngo-hook", expectedRevision: 1);
        var current = await subscriptions.DeleteAsync("ngo-hook", expectedRevision: 2);

        Assert.False(stale);
        Assert.True(current);
        Assert.Empty(await subscriptions.ListAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ListAsync_Several_OldestFirst(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = DeliveryServices.Create(store.Settings);
        var subscriptions = services.Get<StoredSubscriptions>();
        await subscriptions.CreateAsync(Webhook("zeta"));
        services.Time.Advance(TimeSpan.FromSeconds(1));
        await subscriptions.CreateAsync(Webhook("alpha"));

        var all = await subscriptions.ListAsync();

        Assert.Equal(["zeta", "alpha"], all.Select(s => s.Subscription.Id));
    }

    [Theory]
    [InlineData("ngo-hook", true)]
    [InlineData("A.b_c-9", true)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    [InlineData("ünïcode", false)]
    [InlineData("a/b", false)]
    public void IsValidId_Cases_AsDocumented(string id, bool valid) =>
        Assert.Equal(valid, StoredSubscriptions.IsValidId(id));

    [Fact]
    public void IsValidId_SixtyFourAndSixtyFive_OnlyFirstValid()
    {
        Assert.True(StoredSubscriptions.IsValidId(new string('a', 64)));
        Assert.False(StoredSubscriptions.IsValidId(new string('a', 65)));
    }
}
