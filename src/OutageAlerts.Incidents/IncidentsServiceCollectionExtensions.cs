using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OutageAlerts.Incidents.Correlation;
using OutageAlerts.Incidents.Persistence;
using OutageAlerts.Storage;
using OutageAlerts.Storage.Retention;

namespace OutageAlerts.Incidents;

public static class IncidentsServiceCollectionExtensions
{
    /// <summary>
    /// Incident correlation with its tables in the store (the caller registers the store with <c>AddStore</c>) and
    /// <see cref="IncidentOptions"/> bound from <c>OutageAlerts:Incidents</c>.
    /// </summary>
    public static IServiceCollection AddIncidents(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<IncidentOptions>()
            .Bind(configuration.GetSection(IncidentOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(
                o => o.CorrelationWindow <= o.MaxIncidentSpan,
                $"{IncidentOptions.SectionName}:CorrelationWindow must not exceed {IncidentOptions.SectionName}:MaxIncidentSpan.")
            .Validate(
                o => Enum.IsDefined(o.ImmediateSeverity),
                $"{IncidentOptions.SectionName}:ImmediateSeverity must be a CAP severity (Minor, Moderate, Severe, Extreme).")
            .ValidateOnStart();
        services.AddStoreMigration(IncidentStore.MigrationId, IncidentStore.Schema);
        services.AddStoreMigration(IncidentStore.ReleaseMigrationId, IncidentStore.ReleaseSchema);
        services.AddStoreMigration(IncidentStore.CandidatesIndexMigrationId, IncidentStore.CandidatesIndexSchema);
        services.AddStoreMigration(IncidentStore.PublishedIndexMigrationId, IncidentStore.PublishedIndexSchema);
        services.AddStoreMigration(IncidentStore.ActivityIndexMigrationId, IncidentStore.ActivityIndexSchema);
        services.AddStoreMigration(IncidentStore.ReportKeysIndexMigrationId, IncidentStore.ReportKeysIndexSchema);
        services.TryAddSingleton<IncidentStore>();
        services.TryAddSingleton<IIncidentCorrelator, IncidentCorrelator>();
        services.AddRetentionOf<IncidentRetention>(configuration);
        return services;
    }
}
