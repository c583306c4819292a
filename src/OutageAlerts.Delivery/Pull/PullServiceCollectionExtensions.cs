using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OutageAlerts.Storage;

namespace OutageAlerts.Delivery.Pull;

public static class PullServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="CurrentAlerts"/> with its store migration and <see cref="PullOptions"/> (validated at start). The
    /// routing consumer records every alert event in it; <see cref="PullEndpoints.MapPullOutputs"/> serves it.
    /// </summary>
    public static IServiceCollection AddPullOutputs(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        if (!services.Any(d => d.ServiceType == typeof(IStore)))
        {
            services.AddStore(configuration);
        }

        services.AddStoreMigration(CurrentAlerts.MigrationId, CurrentAlerts.MigrationSql);
        services.AddOptions<PullOptions>()
            .Bind(configuration.GetSection(PullOptions.SectionName))
            .Validate(o => o.CurrentWindow >= PullOptions.MinCurrentWindow && o.CurrentWindow <= PullOptions.MaxCurrentWindow,
                $"{PullOptions.SectionName}:CurrentWindow must be between 00:01:00 and 30.00:00:00.")
            .Validate(o => o.MaxEntries is >= 1 and <= PullOptions.MaxMaxEntries,
                $"{PullOptions.SectionName}:MaxEntries must be between 1 and {PullOptions.MaxMaxEntries}.")
            .Validate(o => o.PublicBaseUrl is null || (o.PublicBaseUrl.IsAbsoluteUri && o.PublicBaseUrl.Scheme is "http" or "https"),
                $"{PullOptions.SectionName}:PublicBaseUrl must be an absolute http or https URL.")
            .ValidateOnStart();
        services.TryAddSingleton<CurrentAlerts>();
        return services;
    }
}
