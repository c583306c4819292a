using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OutageAlerts.Classification;
using OutageAlerts.Incidents;
using OutageAlerts.Ingestion.Configuration;
using OutageAlerts.Ingestion.Polling;
using OutageAlerts.Ingestion.Publishing;
using OutageAlerts.Ingestion.Scheduling;
using OutageAlerts.Ingestion.State;
using OutageAlerts.Storage;
using OutageAlerts.Storage.Retention;
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
        services.AddStoreMigration(SeenItemsRetention.MigrationId, SeenItemsRetention.MigrationSql);
        services.AddRetentionOf<SeenItemsRetention>(configuration);

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

        services.AddFeedScheduling(configuration, quartz =>
        {
            quartz.AddJob<ReleaseHeldAlertsJob>(j => j.WithIdentity(ReleaseHeldAlertsJob.Key));
            quartz.AddTrigger(t => t
                .ForJob(ReleaseHeldAlertsJob.Key)
                .WithIdentity(ReleaseHeldAlertsJob.Key.Name, ReleaseHeldAlertsJob.Key.Group)
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(ReleaseHeldAlertsJob.Interval).RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
        });
        return services;
    }
}
