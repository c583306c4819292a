using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutageAlerts.Ingestion.Configuration;
using OutageAlerts.Ingestion.Polling;
using Quartz;

namespace OutageAlerts.Ingestion.Scheduling;

/// <summary>What one synchronisation of the schedule with the configured feeds did.</summary>
public sealed record FeedScheduleChanges(int Added, int Replaced, int Unchanged, int Removed);

/// <summary>
/// Makes the scheduler's feed jobs match the configured feeds: one <see cref="PollFeedJob"/> and one trigger per feed.
/// With the clustered store several replicas do this against one shared schedule at the same moment, so it is
/// idempotent: a trigger that already has the configured interval is left alone (replacing it would restart its
/// schedule and poll the feed again at once), a missing one is added unless another replica added it first, one with
/// another interval is replaced, and the jobs of feeds no longer configured are removed.
/// </summary>
internal sealed partial class FeedScheduleSynchronizer(
    ISchedulerFactory schedulers, IOptions<FeedList> feeds, ILogger<FeedScheduleSynchronizer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var changes = await SynchronizeAsync(scheduler, feeds.Value.Feeds, cancellationToken);
        LogSynchronized(scheduler.SchedulerName, changes.Added, changes.Replaced, changes.Unchanged, changes.Removed);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task<FeedScheduleChanges> SynchronizeAsync(
        IScheduler scheduler, IReadOnlyList<FeedOptions> feeds, CancellationToken cancellationToken)
    {
        var wanted = feeds.Where(f => !string.IsNullOrWhiteSpace(f.Name)).ToDictionary(f => JobKeyOf(f.Name));
        int added = 0, replaced = 0, unchanged = 0, removed = 0;
        foreach (var (jobKey, feed) in wanted)
        {
            var existing = await scheduler.GetTrigger(TriggerKeyOf(feed.Name), cancellationToken);
            if (existing is not null && IsCurrent(existing, jobKey, feed))
            {
                unchanged++;
                continue;
            }

            if (existing is null)
            {
                try
                {
                    await scheduler.ScheduleJob(BuildJob(feed), [BuildTrigger(feed)], default, cancellationToken);
                    added++;
                }
                catch (ObjectAlreadyExistsException)
                {
                    // Another replica starting at the same moment scheduled it first, from the same configuration.
                    unchanged++;
                }
            }
            else
            {
                await scheduler.ScheduleJob(BuildJob(feed), [BuildTrigger(feed)], ScheduleJobOptions.Replacing, cancellationToken);
                replaced++;
            }
        }

        var scheduled = await scheduler.QueryJobs(
            new JobQuery { Group = GroupMatcher<JobKey>.GroupEquals(PollFeedJob.Group), Take = PagedQuery.All }, cancellationToken);
        foreach (var stale in scheduled.Items.Select(j => j.Key).Where(k => !wanted.ContainsKey(k)))
        {
            if (await TryDeleteAsync(scheduler, stale, cancellationToken))
            {
                removed++;
            }
        }

        return new FeedScheduleChanges(added, replaced, unchanged, removed);
    }

    /// <summary>False when the job is gone already: another replica removed it first, or is removing it right now.</summary>
    private static async Task<bool> TryDeleteAsync(IScheduler scheduler, JobKey job, CancellationToken cancellationToken)
    {
        try
        {
            return await scheduler.DeleteJob(job, cancellationToken);
        }
        catch (SchedulerException)
        {
            // Quartz found the job, then not its trigger: the other replica's delete won the race.
            if (await scheduler.Exists(job, cancellationToken))
            {
                throw;
            }

            return false;
        }
    }

    /// <summary>The interval a feed is polled at: the configured one, never below <see cref="FeedOptions.MinimumInterval"/>.</summary>
    public static TimeSpan EffectiveInterval(FeedOptions feed) =>
        feed.Interval < FeedOptions.MinimumInterval ? FeedOptions.MinimumInterval : feed.Interval;

    public static JobKey JobKeyOf(string feedName) => new(feedName, PollFeedJob.Group);

    public static TriggerKey TriggerKeyOf(string feedName) => new(feedName, PollFeedJob.Group);

    private static bool IsCurrent(ITrigger trigger, JobKey jobKey, FeedOptions feed) =>
        trigger is ISimpleTrigger simple
        && simple.JobKey.Equals(jobKey)
        && simple.RepeatInterval == EffectiveInterval(feed)
        && simple.RepeatCount == RepeatForever
        && simple.MisfireInstruction == MisfireInstruction;

    private const int RepeatForever = -1;

    /// <summary>How soon after it is scheduled a new feed is first polled.</summary>
    public static readonly TimeSpan FirstPollDelay = TimeSpan.FromSeconds(1);

    /// <summary>The widest spread of the feeds' phases (see <see cref="PhaseOf"/>); it delays a first poll by at most this.</summary>
    public static readonly TimeSpan MaxPhaseSpread = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Where in its interval a feed is polled: a fraction of min(interval, <see cref="MaxPhaseSpread"/>) fixed by its
    /// name, so the same on every replica and every restart. Feeds scheduled together used to be polled in the same
    /// instant every interval, and their new alerts reached routing and delivery as one burst that drained through
    /// the consumers' concurrency: with ten feeds polled every second at 100 alerts/s, 120 ms of the 150 ms median
    /// fetch-to-webhook time was that queue. Spread over the second: 33 ms median, 64 ms at p99 (issue 10).
    /// </summary>
    public static TimeSpan PhaseOf(FeedOptions feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        // FNV-1a: string.GetHashCode differs from process to process.
        var hash = 2166136261u;
        foreach (var c in feed.Name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        var interval = EffectiveInterval(feed);
        var spread = interval < MaxPhaseSpread ? interval : MaxPhaseSpread;
        return spread * (hash % PhaseSteps / (double)PhaseSteps);
    }

    private const uint PhaseSteps = 1000;

    // A poll that could not start on time (many feeds at start-up, a paused process, a replica that died holding it)
    // runs once as soon as it can, and the schedule continues from there; missed polls are not made up for.
    // Skipping to the next interval instead left most of 1,000 feeds unpolled after a restart.
    private const SimpleTriggerMisfireInstruction MisfireInstruction = SimpleTriggerMisfireInstruction.NowWithRemainingCount;

    private static IJobDetail BuildJob(FeedOptions feed) =>
        JobBuilder.Create<PollFeedJob>()
            .WithIdentity(JobKeyOf(feed.Name))
            .UsingJobData(PollFeedJob.FeedNameKey, feed.Name)
            .Build();

    private static ITrigger BuildTrigger(FeedOptions feed) =>
        TriggerBuilder.Create()
            .WithIdentity(TriggerKeyOf(feed.Name))
            .ForJob(JobKeyOf(feed.Name))
            // Not StartNow: a trigger whose start has passed by the time it is stored and another replica's scheduler
            // first sees it counts as misfired there, and the misfire run polled the feed a second time.
            .StartAt(DateTimeOffset.UtcNow + FirstPollDelay + PhaseOf(feed))
            .WithSimpleSchedule(s => s
                .WithInterval(EffectiveInterval(feed))
                .RepeatForever()
                .WithMisfireInstruction(MisfireInstruction))
            .Build();

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Feed schedule of {Scheduler} synchronised: {Added} added, {Replaced} replaced, {Unchanged} unchanged, {Removed} removed")]
    private partial void LogSynchronized(string scheduler, int added, int replaced, int unchanged, int removed);
}
