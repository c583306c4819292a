using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Admin;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Storage;
using OutageAlerts.Testing;
using SilenceStore = OutageAlerts.Delivery.Silences.Silences;

namespace OutageAlerts.Delivery.Tests.Silences;

/// <summary>The silences table of migration 0161 on both stores, and the cache routing reads.</summary>
public sealed class SilencesTests
{
    private static readonly DateTimeOffset Now = DeliveryServices.Now;

    public static TheoryData<StoreProvider> Providers()
    {
        var providers = new TheoryData<StoreProvider> { StoreProvider.Sqlite };
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TestStore.PostgresVariable)))
        {
            providers.Add(StoreProvider.Postgres);
        }

        return providers;
    }

    private static Delivery.Silences.Silence Draft(DateTimeOffset startsAt, TimeSpan length, string comment = "receiver maintenance") => new(
        "",
        new Delivery.Silences.SilenceMatchers
        {
            Countries = ["UA"],
            Regions = ["UA-63"],
            Channels = [DeliveryChannel.Webhook, DeliveryChannel.Sms],
            Feeds = ["test-wire"],
        },
        startsAt,
        startsAt + length,
        "duty-desk",
        comment,
        IncludeExtreme: true);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task CreateAsync_ThenFind_RoundTripsWithGeneratedId(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = DeliveryServices.Create(store.Settings);
        var silences = services.Get<SilenceStore>();

        var created = await silences.CreateAsync(Draft(Now, TimeSpan.FromHours(2)));
        var read = await silences.FindAsync(created.Id);

        Assert.StartsWith("sil-", created.Id, StringComparison.Ordinal);
        Assert.Equal(Now, read!.StartsAt);
        Assert.Equal(Now.AddHours(2), read.EndsAt);
        Assert.Equal(["UA"], read.Matchers.Countries);
        Assert.Equal([DeliveryChannel.Webhook, DeliveryChannel.Sms], read.Matchers.Channels);
        Assert.Equal(["test-wire"], read.Matchers.Feeds);
        Assert.Empty(read.Matchers.AlertIds);
        Assert.True(read.IncludeExtreme);
        Assert.Equal("duty-desk", read.CreatedBy);
        Assert.Equal("receiver maintenance", read.Comment);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ListAsync_ExpiredOnes_OnlyWhenAsked(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = DeliveryServices.Create(store.Settings);
        var silences = services.Get<SilenceStore>();
        var shortOne = await silences.CreateAsync(Draft(Now, TimeSpan.FromMinutes(10), "short"));
        var pending = await silences.CreateAsync(Draft(Now.AddHours(1), TimeSpan.FromHours(1), "later"));
        services.Time.Advance(TimeSpan.FromMinutes(10));

        var current = await silences.ListAsync(includeExpired: false);
        var all = await silences.ListAsync(includeExpired: true);

        Assert.Equal([pending.Id], current.Select(s => s.Id));
        Assert.Equal([shortOne.Id, pending.Id], all.Select(s => s.Id));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ExpireAsync_ActiveAndPending_EndNowAndLeaveTheActiveList(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = DeliveryServices.Create(store.Settings);
        var silences = services.Get<SilenceStore>();
        var active = await silences.CreateAsync(Draft(Now, TimeSpan.FromHours(2)));
        var pending = await silences.CreateAsync(Draft(Now.AddHours(1), TimeSpan.FromHours(1)));
        Assert.Single(await silences.ListActiveAsync(CancellationToken.None));
        services.Time.Advance(TimeSpan.FromMinutes(30));

        var expiredActive = await silences.ExpireAsync(active.Id);
        var expiredPending = await silences.ExpireAsync(pending.Id);
        var unknown = await silences.ExpireAsync("sil-nothing");

        Assert.Equal(Now.AddMinutes(30), expiredActive!.EndsAt);
        Assert.Equal(Now, expiredActive.StartsAt);
        Assert.Equal(Now.AddMinutes(30), expiredPending!.StartsAt);
        Assert.Equal(Now.AddMinutes(30), expiredPending.EndsAt);
        Assert.Null(unknown);
        Assert.Empty(await silences.ListActiveAsync(CancellationToken.None));
        Assert.Empty(await silences.ListAsync(includeExpired: false));
    }

    [Fact]
    public async Task ExpireAsync_AlreadyExpired_KeepsItsOriginalEnd()
    {
        await using var services = DeliveryServices.Create(new Dictionary<string, string?>());
        var silences = services.Get<SilenceStore>();
        var silence = await silences.CreateAsync(Draft(Now, TimeSpan.FromMinutes(5)));
        services.Time.Advance(TimeSpan.FromHours(1));

        var expired = await silences.ExpireAsync(silence.Id);

        Assert.Equal(Now.AddMinutes(5), expired!.EndsAt);
    }

    [Fact]
    public async Task ListActiveAsync_CreatedByAnotherProcess_SeenOnceTheCacheExpires()
    {
        await using var services = DeliveryServices.Create(new Dictionary<string, string?>());
        var silences = services.Get<SilenceStore>();
        var other = new SilenceStore(services.Get<IStore>(), services.Time, services.Get<IOptionsMonitor<AdminOptions>>());
        Assert.Empty(await silences.ListActiveAsync(CancellationToken.None));

        await other.CreateAsync(Draft(Now, TimeSpan.FromHours(2)));
        services.Time.Advance(AdminOptions.DefaultCacheDuration - TimeSpan.FromMilliseconds(1));
        var before = await silences.ListActiveAsync(CancellationToken.None);
        services.Time.Advance(TimeSpan.FromMilliseconds(1));
        var after = await silences.ListActiveAsync(CancellationToken.None);

        Assert.Empty(before);
        Assert.Single(after);
    }

    [Fact]
    public async Task ListActiveAsync_CreatedInThisProcess_SeenAtOnce()
    {
        await using var services = DeliveryServices.Create(new Dictionary<string, string?>());
        var silences = services.Get<SilenceStore>();
        Assert.Empty(await silences.ListActiveAsync(CancellationToken.None));

        await silences.CreateAsync(Draft(Now, TimeSpan.FromHours(2)));

        Assert.Single(await silences.ListActiveAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ListActiveAsync_PendingSilence_StartsAndEndsOnTheClockWithoutARead()
    {
        await using var services = DeliveryServices.Create(new Dictionary<string, string?> { ["OutageAlerts:Admin:CacheDuration"] = "00:05:00" });
        var silences = services.Get<SilenceStore>();
        await silences.CreateAsync(Draft(Now.AddMinutes(1), TimeSpan.FromMinutes(2)));

        var beforeStart = await silences.ListActiveAsync(CancellationToken.None);
        services.Time.Advance(TimeSpan.FromMinutes(1));
        var atStart = await silences.ListActiveAsync(CancellationToken.None);
        services.Time.Advance(TimeSpan.FromMinutes(2));
        var atEnd = await silences.ListActiveAsync(CancellationToken.None);

        Assert.Empty(beforeStart);
        Assert.Single(atStart);
        Assert.Empty(atEnd);
    }
}
