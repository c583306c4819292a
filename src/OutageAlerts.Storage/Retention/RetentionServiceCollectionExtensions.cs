using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace OutageAlerts.Storage.Retention;

public static class RetentionServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>OutageAlerts:Retention</c>. Areas that honour the period without running the purge (ingestion skips
    /// items older than it) call this too; it is idempotent.
    /// </summary>
    public static IServiceCollection AddRetentionOptions(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(RetentionOptionsMarker)))
        {
            return services;
        }

        services.AddSingleton<RetentionOptionsMarker>();
        services.AddOptions<RetentionOptions>()
            .Bind(configuration.GetSection(RetentionOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(
                o => !o.Enabled || o.Period >= RetentionOptions.MinimumPeriod,
                $"{RetentionOptions.SectionName}:Period must be at least {RetentionOptions.MinimumPeriod.TotalDays:0} days " +
                $"(set {RetentionOptions.SectionName}:Enabled to false to keep everything).")
            .ValidateOnStart();
        return services;
    }

    /// <summary>
    /// Runs <see cref="StoreRetention"/> in this process over every area registered with
    /// <see cref="AddRetentionOf{TRetention}"/>: the service's roles call it, one-off commands (replay) do not.
    /// </summary>
    public static IServiceCollection AddStoreRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRetentionOptions(configuration);
        services.TryAddSingleton<StoreRetention>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StoreRetention>(sp => sp.GetRequiredService<StoreRetention>()));
        return services;
    }

    /// <summary>Adds an area's expired data to what <see cref="StoreRetention"/> purges.</summary>
    public static IServiceCollection AddRetentionOf<TRetention>(this IServiceCollection services, IConfiguration configuration)
        where TRetention : class, IStoreRetention
    {
        services.AddRetentionOptions(configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoreRetention, TRetention>());
        return services;
    }

    /// <summary>Marks the options as bound, so that several areas can ask for them without binding them twice.</summary>
    private sealed class RetentionOptionsMarker;
}
