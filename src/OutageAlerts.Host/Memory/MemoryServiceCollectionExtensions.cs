using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OutageAlerts.Host.Memory;

public static class MemoryServiceCollectionExtensions
{
    /// <summary>Gives back what a burst left committed in the managed heap once the service is quiet (<see cref="MemoryOptions"/>).</summary>
    public static IServiceCollection AddIdleMemoryTrim(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(MemoryOptions.SectionName);
        services.AddOptions<MemoryOptions>()
            .Bind(section)
            .Validate(
                o => o.CheckInterval > TimeSpan.Zero && o.CheckInterval <= MemoryOptions.MaximumInterval,
                $"{MemoryOptions.SectionName}:{nameof(MemoryOptions.CheckInterval)} must be positive and at most {MemoryOptions.MaximumInterval}.")
            .Validate(
                o => o.MinimumTrimInterval >= TimeSpan.Zero && o.MinimumTrimInterval <= MemoryOptions.MaximumInterval,
                $"{MemoryOptions.SectionName}:{nameof(MemoryOptions.MinimumTrimInterval)} must be between 0 and {MemoryOptions.MaximumInterval}.")
            .Validate(
                o => o.QuietAllocationBytesPerSecond >= 0,
                $"{MemoryOptions.SectionName}:{nameof(MemoryOptions.QuietAllocationBytesPerSecond)} must not be negative.")
            .Validate(
                o => o.TrimThresholdBytes >= 0,
                $"{MemoryOptions.SectionName}:{nameof(MemoryOptions.TrimThresholdBytes)} must not be negative.")
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<MemoryTrimMetrics>();
        services.TryAddSingleton<IManagedHeap, RuntimeManagedHeap>();
        if (section.GetValue(nameof(MemoryOptions.TrimWhenQuiet), defaultValue: true))
        {
            services.AddHostedService<IdleMemoryTrimmer>();
        }

        return services;
    }
}
