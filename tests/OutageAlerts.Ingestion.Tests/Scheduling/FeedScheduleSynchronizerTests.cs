using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutageAlerts.Ingestion.Configuration;
using OutageAlerts.Ingestion.Polling;
using OutageAlerts.Ingestion.Scheduling;
using OutageAlerts.Storage;
using OutageAlerts.Testing;
using Quartz;

namespace OutageAlerts.Ingestion.Tests.Scheduling;

/// <summary>
/// The feed schedule against real Quartz schedulers: in memory, and clustered on a real PostgreSQL database where
/// several replicas synchronise one shared schedule at the same moment. Schedulers are not started, so no poll fires.
/// </summary>
public sealed class FeedScheduleSynchronizerTests
{
    private static readonly FeedOptions[] ThreeFeeds =
    [
        Feed("wire-a", TimeSpan.FromMinutes(5)),
        Feed("wire-b", TimeSpan.FromMinutes(10)),
        Feed("wire-c", TimeSpan.FromMilliseconds(10)),
    ];

    [Fact]
    public void PhaseOf_ManyFeedsPolledEverySecond_SpreadOverTheSecondTheSameWayEveryTime()
    {
        // Regression (issue 10): feeds scheduled together were polled in the same instant every interval, and their
        // alerts queued downstream as one burst.
        var feeds = Enumerable.Range(0, 200).Select(i => Feed($"wire-{i}", TimeSpan.FromSeconds(1))).ToList();
        var phases = feeds.Select(FeedScheduleSynchronizer.PhaseOf).ToList();

        Assert.All(phases, p => Assert.InRange(p, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Equal(phases, feeds.Select(f => FeedScheduleSynchronizer.PhaseOf(Feed(f.Name, f.Interval))));
        // Every tenth of the second holds some feeds, and none holds most of them.
        var tenths = phases.GroupBy(p => (int)(p.TotalMilliseconds / 100)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(10, tenths.Count);
        Assert.True(tenths.Values.Max() < 50, $"the busiest tenth holds {tenths.Values.Max()} of 200 feeds");
    }

    [Fact]
    public void PhaseOf_LongInterval_DelaysTheFirstPollByAtMostTheMaxSpread()
    {
        var phases = Enumerable.Range(0, 200).Select(i => FeedScheduleSynchronizer.PhaseOf(Feed($"wire-{i}", TimeSpan.FromHours(1)))).ToList();

        Assert.All(phases, p => Assert.InRange(p, TimeSpan.Zero, FeedScheduleSynchronizer.MaxPhaseSpread));
        Assert.True(phases.Distinct().Count() > 100, "feeds should not share a handful of phases");
    }

    [Fact]
    public async Task SynchronizeAsync_EmptySchedule_AddsOneTriggerPerFeedWithItsInterval()
    {
        await using var services = InMemoryServices();
        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        var changes = await FeedScheduleSynchronizer.SynchronizeAsync(scheduler, ThreeFeeds, CancellationToken.None);

        Assert.Equal(new FeedScheduleChanges(3, 0, 0, 0), changes);
        var trigger = Assert.IsAssignableFrom<ISimpleTrigger>(await scheduler.GetTrigger(FeedScheduleSynchronizer.TriggerKeyOf("wire-b")));
        Assert.Equal(TimeSpan.FromMinutes(10), trigger.RepeatInterval);
        Assert.Equal(SimpleTriggerMisfireInstruction.NowWithRemainingCount, trigger.MisfireInstruction);
        // Below the minimum, the minimum applies.
        var fast = Assert.IsAssignableFrom<ISimpleTrigger>(await scheduler.GetTrigger(FeedScheduleSynchronizer.TriggerKeyOf("wire-c")));
        Assert.Equal(FeedOptions.MinimumInterval, fast.RepeatInterval);
        var job = await scheduler.GetJobDetail(FeedScheduleSynchronizer.JobKeyOf("wire-a"));
        Assert.Equal("wire-a", job!.JobDataMap.GetString(PollFeedJob.FeedNameKey));
    }

    [Fact]
    public async Task SynchronizeAsync_SameFeedsAgain_LeavesEveryTriggerAndItsNextFireAlone()
    {
        await using var services = InMemoryServices();
        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await FeedScheduleSynchronizer.SynchronizeAsync(scheduler, ThreeFeeds, CancellationToken.None);
        var before = (await scheduler.GetTrigger(FeedScheduleSynchronizer.TriggerKeyOf("wire-a")))!.StartTimeUtc;

        var changes = await FeedScheduleSynchronizer.SynchronizeAsync(scheduler, ThreeFeeds, CancellationToken.None);

        Assert.Equal(new FeedScheduleChanges(0, 0, 3, 0), changes);
        Assert.Equal(before, (await scheduler.GetTrigger(FeedScheduleSynchronizer.TriggerKeyOf("wire-a")))!.StartTimeUtc);
    }

    [Fact]
    public async Task SynchronizeAsync_IntervalChangedAndFeedRemoved_ReplacesOneAndRemovesTheOther()
    {
        await using var services = InMemoryServices();
        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await FeedScheduleSynchronizer.SynchronizeAsync(scheduler, ThreeFeeds, CancellationToken.None);

        var changes = await FeedScheduleSynchronizer.SynchronizeAsync(
            scheduler, [Feed("wire-a", TimeSpan.FromMinutes(1)), ThreeFeeds[1]], CancellationToken.None);

        Assert.Equal(new FeedScheduleChanges(0, 1, 1, 1), changes);
        var trigger = Assert.IsAssignableFrom<ISimpleTrigger>(await scheduler.GetTrigger(FeedScheduleSynchronizer.TriggerKeyOf("wire-a")));
        Assert.Equal(TimeSpan.FromMinutes(1), trigger.RepeatInterval);
        Assert.False(await scheduler.Exists(FeedScheduleSynchronizer.JobKeyOf("wire-c")));
    }

    [Fact]
    public async Task AddFeedScheduling_SqliteWithClusteredTrue_FailsAtStartNamingTheKey()
    {
        await using var store = TestStore.Sqlite();
        var settings = new Dictionary<string, string?>(store.Settings) { [SchedulerOptions.SectionName + ":Clustered"] = "true" };
        await using var services = Services(settings);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SchedulerOptions>>().Value);

        Assert.Contains("OutageAlerts:Ingestion:Scheduler:Clustered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddFeedScheduling_CheckinIntervalTooShort_FailsNamingTheKey()
    {
        var settings = new Dictionary<string, string?> { [SchedulerOptions.SectionName + ":CheckinInterval"] = "00:00:00.010" };
        await using var services = Services(settings);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SchedulerOptions>>().Value);

        Assert.Contains("OutageAlerts:Ingestion:Scheduler:CheckinInterval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddFeedScheduling_Postgres_ClusteredStoreStartsOnTheMigratedSchema()
    {
        await using var store = await TestStore.PostgresAsync();
        await using var services = Services(store.Settings);
        await MigrateAsync(services);
        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        await scheduler.Start();
        try
        {
            var metadata = await scheduler.GetMetadata();
            Assert.True(metadata.JobStoreClustered);
            Assert.True(metadata.JobStorePersistent);
            Assert.Equal(SchedulerStatus.Running, metadata.Status);
        }
        finally
        {
            await scheduler.Shutdown(waitForJobsToComplete: false);
        }
    }

    [Fact]
    public async Task SynchronizeAsync_TwoReplicasOnOnePostgresAtOnce_StoreEachFeedOnceAndAgreeLater()
    {
        await using var store = await TestStore.PostgresAsync();
        var settings = new Dictionary<string, string?>(store.Settings) { ["OutageAlerts:Ingestion:SchedulerName"] = "replicas" };
        await using var first = Services(settings);
        await using var second = Services(settings);
        // Both migrate at once, as replicas starting together do: the store's migration lock lets one create the tables.
        await Task.WhenAll(MigrateAsync(first), MigrateAsync(second));
        var schedulers = await Task.WhenAll(
            first.GetRequiredService<ISchedulerFactory>().GetScheduler().AsTask(),
            second.GetRequiredService<ISchedulerFactory>().GetScheduler().AsTask());
        Assert.NotSame(schedulers[0], schedulers[1]);
        // Each replica its own cluster member: with one shared id they would take each other's firings for their own.
        Assert.NotEqual(schedulers[0].SchedulerInstanceId, schedulers[1].SchedulerInstanceId);
        var feeds = Enumerable.Range(0, 12).Select(i => Feed($"feed-{i:00}", TimeSpan.FromMinutes(5))).ToList();

        var results = await Task.WhenAll(schedulers.Select(s => FeedScheduleSynchronizer.SynchronizeAsync(s, feeds, CancellationToken.None)));

        Assert.Equal(feeds.Count, results.Sum(r => r.Added));
        Assert.All(results, r => Assert.Equal(0, r.Replaced + r.Removed));
        Assert.Equal(feeds.Count, await CountAsync(first, "SELECT COUNT(*) FROM qrtz_triggers WHERE sched_name = 'replicas' AND trigger_group = 'feeds'"));

        // A later start with one feed fewer: the one replica that gets there first removes it, the other finds nothing to do.
        var later = await Task.WhenAll(schedulers.Select(s => FeedScheduleSynchronizer.SynchronizeAsync(s, feeds.Skip(1).ToList(), CancellationToken.None)));

        Assert.Equal(1, later.Sum(r => r.Removed));
        Assert.Equal(feeds.Count - 1, await CountAsync(first, "SELECT COUNT(*) FROM qrtz_job_details WHERE sched_name = 'replicas' AND job_group = 'feeds'"));
    }

    private static Task MigrateAsync(ServiceProvider services) =>
        new StoreMigrationStartup(services.GetRequiredService<IStore>()).StartAsync(CancellationToken.None);

    private static async Task<long> CountAsync(ServiceProvider services, string sql)
    {
        await using var connection = await services.GetRequiredService<IStore>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    private static FeedOptions Feed(string name, TimeSpan interval) =>
        new() { Name = name, Url = $"https://feeds.example.org/{name}.xml", Interval = interval };

    private static ServiceProvider InMemoryServices() =>
        Services(new Dictionary<string, string?> { ["OutageAlerts:Ingestion:SchedulerName"] = "unit-" + Guid.NewGuid().ToString("N") });

    private static ServiceProvider Services(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddStore(configuration);
        services.AddOptions<FeedList>();
        services.AddFeedScheduling(configuration);
        return services.BuildServiceProvider();
    }
}
