using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Pull;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Storage;
using OutageAlerts.Testing;

namespace OutageAlerts.Delivery.Tests.Pull;

/// <summary>The current-alerts table on both real stores.</summary>
public sealed class CurrentAlertsTests
{
    private static readonly DateTimeOffset Since = DeliveryServices.Now - PullOptions.DefaultCurrentWindow;

    internal static ServiceProvider Services(TestStore store, TimeProvider? time = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(store.Settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(time ?? new FakeTimeProvider(DeliveryServices.Now))
            .AddPullOutputs(configuration)
            .BuildServiceProvider(validateScopes: true);
    }

    private static CurrentAlertsQuery All => new(Since, PullOptions.DefaultMaxEntries);

    /// <summary>An alert in the occupied Palestinian territories that the gazetteer could not place.</summary>
    internal static Alert Gaza() => SampleAlerts.Kharkiv(severity: Severity.Minor) with
    {
        AlertId = "inc-2025-11-08-gaza",
        Headline = "Strike damages a water pumping station",
        Targets = ["water"],
        Country = "PS",
        Regions = [],
        Area = null,
        Sent = SampleAlerts.Sent.AddMinutes(10),
    };

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task RecordAsync_OlderVersionArrivesLate_NewerVersionStays(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = Services(store);
        var current = services.GetRequiredService<CurrentAlerts>();

        Assert.True(await current.RecordAsync(AlertEventKind.Updated, SampleAlerts.Kharkiv(version: 2), CancellationToken.None));
        var late = await current.RecordAsync(AlertEventKind.Raised, SampleAlerts.Kharkiv(version: 1), CancellationToken.None);

        Assert.False(late);
        var found = await current.FindAsync("inc-2025-11-08-kharkiv");
        Assert.NotNull(found);
        Assert.Equal(2, found.Alert.Version);
        Assert.Equal(AlertEventKind.Updated, found.Kind);
        Assert.Equal(["injured 2 -> 5"], found.Alert.Changes);
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task RecordAsync_Cancel_IsKeptAndOnlyListedWithCancelled(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = Services(store);
        var current = services.GetRequiredService<CurrentAlerts>();
        await current.RecordAsync(AlertEventKind.Raised, SampleAlerts.Kharkiv(), CancellationToken.None);

        await current.RecordAsync(
            AlertEventKind.Cancelled, SampleAlerts.Kharkiv(version: 2) with { MsgType = MsgType.Cancel }, "reported twice", CancellationToken.None);
        // An update published before the cancel but routed after it must not bring the alert back.
        var revived = await current.RecordAsync(AlertEventKind.Updated, SampleAlerts.Kharkiv(version: 3), CancellationToken.None);

        Assert.False(revived);
        var found = await current.FindAsync("inc-2025-11-08-kharkiv");
        Assert.NotNull(found);
        Assert.True(found.IsCancelled);
        Assert.Equal("reported twice", found.CancelReason);
        Assert.Empty(await current.ListAsync(All));
        var withCancelled = Assert.Single(await current.ListAsync(All with { IncludeCancelled = true }));
        Assert.Equal(2, withCancelled.Alert.Version);
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task ListAsync_Filters_SelectBySeverityCountryAndWholeRegionCode(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = Services(store);
        var current = services.GetRequiredService<CurrentAlerts>();
        await current.RecordAsync(AlertEventKind.Raised, SampleAlerts.Kharkiv(), CancellationToken.None);
        await current.RecordAsync(AlertEventKind.Raised, SampleAlerts.Odesa(), CancellationToken.None);
        await current.RecordAsync(AlertEventKind.Raised, Gaza(), CancellationToken.None);

        var severe = await current.ListAsync(All with { MinSeverity = Severity.Severe });
        var odesa = await current.ListAsync(All with { Region = "ua-51" });
        var palestine = await current.ListAsync(All with { Country = "PS" });
        var prefixOnly = await current.ListAsync(All with { Region = "UA-6" });
        var all = await current.ListAsync(All);

        Assert.Equal(["inc-2025-11-08-kharkiv"], severe.Select(a => a.Alert.AlertId));
        Assert.Equal(["inc-2025-11-08-odesa"], odesa.Select(a => a.Alert.AlertId));
        Assert.Equal(["inc-2025-11-08-gaza"], palestine.Select(a => a.Alert.AlertId));
        Assert.Empty(prefixOnly);
        // Newest first, ties by id.
        Assert.Equal(["inc-2025-11-08-gaza", "inc-2025-11-08-kharkiv", "inc-2025-11-08-odesa"], all.Select(a => a.Alert.AlertId));
    }

    [Fact]
    public async Task ListAsync_AlertOlderThanWindowOrBeyondLimit_IsLeftOut()
    {
        await using var store = TestStore.Sqlite();
        await using var services = Services(store);
        var current = services.GetRequiredService<CurrentAlerts>();
        await current.RecordAsync(AlertEventKind.Raised, SampleAlerts.Kharkiv(), CancellationToken.None);
        await current.RecordAsync(AlertEventKind.Raised, SampleAlerts.Odesa() with { Sent = Since.AddMinutes(-1) }, CancellationToken.None);
        await current.RecordAsync(AlertEventKind.Raised, Gaza(), CancellationToken.None);

        var listed = await current.ListAsync(All);
        var limited = await current.ListAsync(All with { Limit = 1 });

        Assert.Equal(["inc-2025-11-08-gaza", "inc-2025-11-08-kharkiv"], listed.Select(a => a.Alert.AlertId));
        Assert.Equal(["inc-2025-11-08-gaza"], limited.Select(a => a.Alert.AlertId));
    }

    [Fact]
    public async Task RecordAsync_SameVersionAgain_ChangesNothing()
    {
        await using var store = TestStore.Sqlite();
        var time = new FakeTimeProvider(DeliveryServices.Now);
        await using var services = Services(store, time);
        var current = services.GetRequiredService<CurrentAlerts>();
        await current.RecordAsync(AlertEventKind.Raised, SampleAlerts.Kharkiv(), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(5));

        var again = await current.RecordAsync(AlertEventKind.Raised, SampleAlerts.Kharkiv(), CancellationToken.None);

        Assert.False(again);
        Assert.Equal(DeliveryServices.Now, (await current.FindAsync("inc-2025-11-08-kharkiv"))!.RecordedAt);
    }

    [Fact]
    public async Task FindAsync_UnknownAlert_IsNull()
    {
        await using var store = TestStore.Sqlite();
        await using var services = Services(store);

        Assert.Null(await services.GetRequiredService<CurrentAlerts>().FindAsync("inc-none"));
    }

    [Theory]
    [InlineData("UA-%")]
    [InlineData("UA_63")]
    [InlineData("UA-63 OR 1")]
    public async Task ListAsync_RegionThatIsNotACode_Throws(string region)
    {
        await using var store = TestStore.Sqlite();
        await using var services = Services(store);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            services.GetRequiredService<CurrentAlerts>().ListAsync(All with { Region = region }));
    }
}
