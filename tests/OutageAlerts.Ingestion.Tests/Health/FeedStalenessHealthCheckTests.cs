using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OutageAlerts.Ingestion.Health;
using OutageAlerts.Ingestion.State;
using OutageAlerts.Testing;

namespace OutageAlerts.Ingestion.Tests.Health;

/// <summary>The feed-staleness readiness check against feed states in a real SQLite store.</summary>
public sealed class FeedStalenessHealthCheckTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly TestStore _store = TestStore.Sqlite();
    private readonly FakeTimeProvider _time = new(Now);
    private ServiceProvider _services = null!;

    public Task InitializeAsync()
    {
        _services = Build(new Dictionary<string, string?>
        {
            ["OutageAlerts:Feeds:0:Name"] = "hourly",
            ["OutageAlerts:Feeds:0:Url"] = "https://example.org/hourly.xml",
            ["OutageAlerts:Feeds:0:Interval"] = "01:00:00",
            ["OutageAlerts:Feeds:1:Name"] = "fast",
            ["OutageAlerts:Feeds:1:Url"] = "https://example.org/fast.xml",
            ["OutageAlerts:Feeds:1:Interval"] = "00:05:00",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task CheckHealthAsync_EveryFeedSucceededWithinThreeIntervals_IsHealthy()
    {
        await SaveAsync("hourly", lastSuccess: Now.AddHours(-2.9));
        await SaveAsync("fast", lastSuccess: Now.AddMinutes(-14));

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("2 enabled feed(s)", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_OneFeedSilentForMoreThanThreeIntervals_IsDegradedNamingOnlyThatFeed()
    {
        await SaveAsync("hourly", lastSuccess: Now.AddHours(-2));
        await SaveAsync("fast", lastSuccess: Now.AddMinutes(-16), status: FeedStatus.BackingOff);

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("1 of 2", result.Description, StringComparison.Ordinal);
        Assert.Contains("fast (16 min", result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("hourly", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_DisabledFeedLongSilent_IsNotCountedAsStale()
    {
        await SaveAsync("hourly", lastSuccess: Now.AddHours(-1));
        await SaveAsync("fast", lastSuccess: Now.AddDays(-3), status: FeedStatus.Disabled);

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("1 enabled feed(s)", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_FeedNeverSucceeded_CountsFromTheFirstCheck()
    {
        await SaveAsync("hourly", lastSuccess: Now);
        var check = _services.GetRequiredService<FeedStalenessHealthCheck>();

        var atStart = await check.CheckHealthAsync(new HealthCheckContext());
        _time.Advance(TimeSpan.FromMinutes(16));
        var later = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, atStart.Status);
        Assert.Equal(HealthStatus.Degraded, later.Status);
        Assert.Contains("fast", later.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_FactorConfigured_UsesIt()
    {
        await _services.DisposeAsync();
        _services = Build(new Dictionary<string, string?>
        {
            ["OutageAlerts:Feeds:0:Name"] = "fast",
            ["OutageAlerts:Feeds:0:Url"] = "https://example.org/fast.xml",
            ["OutageAlerts:Feeds:0:Interval"] = "00:05:00",
            ["OutageAlerts:Health:FeedStaleAfterIntervals"] = "10",
        });
        await SaveAsync("fast", lastSuccess: Now.AddMinutes(-40));

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public void Options_FactorBelowOne_FailsNamingTheKey()
    {
        using var services = Build(new Dictionary<string, string?> { ["OutageAlerts:Health:FeedStaleAfterIntervals"] = "0.5" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<FeedHealthOptions>>().Value);

        Assert.Contains("OutageAlerts:Health:FeedStaleAfterIntervals", error.Message, StringComparison.Ordinal);
    }

    private Task<HealthCheckResult> CheckAsync() =>
        _services.GetRequiredService<FeedStalenessHealthCheck>().CheckHealthAsync(new HealthCheckContext());

    private Task SaveAsync(string feed, DateTimeOffset lastSuccess, FeedStatus status = FeedStatus.Active) =>
        _services.GetRequiredService<IngestionStore>().SaveFeedAsync(
            new FeedState { Feed = feed, LastSuccess = lastSuccess, LastPolled = lastSuccess, Status = status },
            CancellationToken.None);

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(_store.Settings).AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddIngestion(configuration);
        services.AddHealthChecks().AddIngestionChecks(configuration, "ready");
        return services.BuildServiceProvider();
    }
}
