using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OutageAlerts.Ingestion.Configuration;
using OutageAlerts.Ingestion.Polling;
using OutageAlerts.Ingestion.State;
using OutageAlerts.Storage;
using Quartz;


namespace OutageAlerts.Ingestion.Scheduling;

internal static class SchedulingServiceCollectionExtensions
{
    /// <summary>
    /// The Quartz scheduler that fires the feed polls: in memory by default, Quartz's clustered ADO.NET job store on the
    /// service's PostgreSQL database when the store is PostgreSQL (or <c>OutageAlerts:Ingestion:Scheduler:Clustered</c>
    /// says so). Feed jobs are synchronised with the (possibly shared) schedule at start by
    /// <see cref="FeedScheduleSynchronizer"/>; <paramref name="configure"/> declares the other jobs.
    /// </summary>
    public static IServiceCollection AddFeedScheduling(this IServiceCollection services, IConfiguration configuration, Action<IQuartzBuilder>? configure = null)
    {
        var ingestion = configuration.GetSection(IngestionOptions.SectionName).Get<IngestionOptions>() ?? new IngestionOptions();
        var scheduling = SchedulerOptions.From(configuration);
        // Clustered on SQLite is refused by the validator at start; until then it is simply not set up.
        var clustered = SchedulerOptions.IsClustered(configuration, scheduling)
            && SchedulerOptions.StoreProviderOf(configuration) == StoreProvider.Postgres;
        services.AddOptions<SchedulerOptions>().Bind(configuration.GetSection(SchedulerOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchedulerOptions>, SchedulerOptionsValidator>());
        services.AddStoreMigration(FeedPollClaims.MigrationId, FeedPollClaims.Schema);
        services.AddSingleton(sp => new FeedPollClaims(sp.GetRequiredService<IStore>(), sp.GetRequiredService<TimeProvider>(), clustered));
        if (clustered)
        {
            services.AddStoreMigration(QuartzSchema.MigrationId, QuartzSchema.OtherSql, QuartzSchema.PostgresSql);
            // Before Quartz's hosted service: its schema check must find the tables this migration creates.
            services.AddHostedService<StoreMigrationStartup>();
        }

        services.TryAddScoped<PollFeedJob>();
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(o =>
            {
                o.InstanceName = ingestion.SchedulerName;
                if (clustered)
                {
                    // Every replica needs its own id (host name and a timestamp) in the shared scheduler_state table:
                    // two replicas sharing one would each take the other's firings for its own and never recover them.
                    o.GenerateInstanceId = true;
                    o.MaxBatchSize = scheduling.MaxConcurrency;
                    o.BatchTriggerAcquisitionFireAheadTimeWindow = scheduling.BatchWindow;
                }
            });
            quartz.UseDefaultThreadPool(pool => pool.MaxConcurrency = scheduling.MaxConcurrency);
            if (clustered)
            {
                UseClusteredStore(quartz, configuration, scheduling);
            }

            configure?.Invoke(quartz);
        });
        services.AddQuartzHostedService(q => q.WaitForJobsToComplete = true);
        services.AddHostedService<FeedScheduleSynchronizer>();
        return services;
    }

    /// <summary>
    /// Quartz's ADO.NET job store on the service's PostgreSQL database, clustered: the tables come from our own store
    /// migration (<see cref="QuartzSchema"/>), Quartz only validates them.
    /// </summary>
    private static void UseClusteredStore(IQuartzBuilder quartz, IConfiguration configuration, SchedulerOptions scheduling)
    {
        var connectionString = SchedulerOptions.ConnectionStringOf(configuration)
            ?? throw new OptionsValidationException(
                $"ConnectionStrings:{StoreOptions.ConnectionStringName}", typeof(StoreOptions),
                [$"ConnectionStrings:{StoreOptions.ConnectionStringName} is required when {StoreOptions.SectionName}:Provider is Postgres."]);
        quartz.UsePersistentStore(store =>
        {
            store.UsePostgres(StoreOptions.WithPostgresDefaults(connectionString));
            store.UseSystemTextJsonSerializer();
            store.ConfigureStore(o =>
            {
                o.TablePrefix = QuartzSchema.TablePrefix;
                o.StoreJobDataAsStrings = true;
                o.SchemaProvisioning = SchemaProvisioning.Validate;
                o.MisfireThreshold = scheduling.MisfireThreshold;
                // Acquiring several triggers per round (MaxBatchSize) is only safe under the lock: without it two
                // replicas could each take, and fire, the same poll.
                o.AcquireTriggersWithinLock = true;
            });
            store.UseClustering(cluster =>
            {
                cluster.CheckinInterval = scheduling.CheckinInterval;
                cluster.CheckinMisfireThreshold = scheduling.CheckinMisfireThreshold;
            });
        });
    }
}
