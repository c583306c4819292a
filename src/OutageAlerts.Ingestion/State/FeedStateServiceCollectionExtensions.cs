using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OutageAlerts.Storage;

namespace OutageAlerts.Ingestion.State;

public static class FeedStateServiceCollectionExtensions
{
    /// <summary>
    /// The feed-state store and <see cref="FeedStateAdministration"/> alone, for operator commands that must not
    /// start the ingestion pipeline. <see cref="IngestionServiceCollectionExtensions.AddIngestion"/> includes it.
    /// </summary>
    public static IServiceCollection AddFeedStateAdministration(this IServiceCollection services, IConfiguration configuration)
    {
        // The store refuses a migration registered twice; AddIngestion may already have added these.
        if (!services.Any(d => d.ImplementationInstance is StoreMigration { Id: IngestionStore.MigrationId }))
        {
            services.AddStore(configuration);
            services.AddStoreMigration(IngestionStore.MigrationId, IngestionStore.Schema);
            services.AddStoreMigration(IngestionStore.BackoffMigrationId, IngestionStore.BackoffSchema);
        }

        services.TryAddSingleton<IngestionStore>();
        services.TryAddSingleton(provider => new FeedStateAdministration(provider.GetRequiredService<IngestionStore>()));
        return services;
    }
}
