using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OutageAlerts.Classification;
using OutageAlerts.Incidents;
using OutageAlerts.Ingestion.Configuration;
using OutageAlerts.Ingestion.Polling;
using OutageAlerts.Ingestion.Publishing;
using OutageAlerts.Ingestion.State;
using OutageAlerts.Storage;
using Quartz;

namespace OutageAlerts.Ingestion;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>
    /// The ingestion role: a Quartz job per configured feed, fetching, parsing, classification, correlation and
    /// publishing. The caller registers MassTransit (the bus that <see cref="MassTransit.IPublishEndpoint"/> comes from).
    /// </summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddFeeds(configuration);
        services.AddClassification(configuration);
        services.AddIncidents(configuration);
        services.AddStore(configuration);
        services.AddStoreMigration(IngestionStore.MigrationId, IngestionStore.Schema);
        services.AddStoreMigration(IngestionStore.BackoffMigrationId, IngestionStore.BackoffSchema);

        services.AddOptions<IngestionOptions>()
            .Bind(configuration.GetSection(IngestionOptions.SectionName))
            .Validate(o => o.MaxClassifiedTextLength > 0, $"{IngestionOptions.SectionName}:MaxClassifiedTextLength must be positive.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IngestionOptions>, IngestionOptionsValidator>());
        services.AddOptions<FeedList>()
            .Configure(list => configuration.GetSection(FeedOptions.SectionName).Bind(list.Feeds))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FeedList>, FeedListValidator>();

        services.AddSingleton<IngestionStore>();
        services.AddFeedStateAdministration(configuration);
        services.AddScoped<FeedPoller>();
        services.AddScoped<AlertPublisher>();

        // Jobs are declared from configuration as it is at start-up; Quartz needs them before the scheduler runs.
        var feeds = new List<FeedOptions>();
        configuration.GetSection(FeedOptions.SectionName).Bind(feeds);
        var ingestion = configuration.GetSection(IngestionOptions.SectionName).Get<IngestionOptions>() ?? new IngestionOptions();
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(o => o.InstanceName = ingestion.SchedulerName);
            quartz.AddJob<ReleaseHeldAlertsJob>(j => j.WithIdentity(ReleaseHeldAlertsJob.Key));
            quartz.AddTrigger(t => t
                .ForJob(ReleaseHeldAlertsJob.Key)
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(ReleaseHeldAlertsJob.Interval).RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
            foreach (var feed in feeds.Where(f => !string.IsNullOrWhiteSpace(f.Name)))
            {
                var job = new JobKey(feed.Name, PollFeedJob.Group);
                quartz.AddJob<PollFeedJob>(j => j.WithIdentity(job).UsingJobData(PollFeedJob.FeedNameKey, feed.Name));
                quartz.AddTrigger(t => t
                    .ForJob(job)
                    .WithIdentity(feed.Name, PollFeedJob.Group)
                    .StartNow()
                    .WithSimpleSchedule(s => s
                        .WithInterval(feed.Interval < FeedOptions.MinimumInterval ? FeedOptions.MinimumInterval : feed.Interval)
                        .RepeatForever()
                        // A poll that could not start on time (many feeds at start-up, a paused process) runs once as
                        // soon as it can, and the schedule continues from there; missed polls are not made up for.
                        // Skipping to the next interval instead left most of 1,000 feeds unpolled after a restart.
                        .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithRemainingCount)));
            }
        });
        services.AddQuartzHostedService(q => q.WaitForJobsToComplete = true);
        return services;
    }
}
