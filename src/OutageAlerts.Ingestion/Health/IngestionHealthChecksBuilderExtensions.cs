using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OutageAlerts.Ingestion.Health;

public static class IngestionHealthChecksBuilderExtensions
{
    /// <summary>The scheduler check's name in <c>/health/ready</c>.</summary>
    public const string SchedulerCheckName = "scheduler";

    /// <summary>The feed-staleness check's name in <c>/health/ready</c>.</summary>
    public const string FeedsCheckName = "feeds";

    /// <summary>
    /// Readiness checks of the ingestion role, tagged <paramref name="tags"/>: <c>scheduler</c> (Quartz started and
    /// not in standby; Unhealthy otherwise) and <c>feeds</c> (Degraded when an enabled feed is stale). Needs
    /// <see cref="IngestionServiceCollectionExtensions.AddIngestion"/>.
    /// </summary>
    public static IHealthChecksBuilder AddIngestionChecks(this IHealthChecksBuilder builder, IConfiguration configuration, params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var key = $"{FeedHealthOptions.SectionName}:{nameof(FeedHealthOptions.FeedStaleAfterIntervals)}";
        builder.Services.AddOptions<FeedHealthOptions>()
            .Bind(configuration.GetSection(FeedHealthOptions.SectionName))
            .Validate(
                o => o.FeedStaleAfterIntervals >= FeedHealthOptions.MinimumFeedStaleAfterIntervals && double.IsFinite(o.FeedStaleAfterIntervals),
                $"{key} must be at least {FeedHealthOptions.MinimumFeedStaleAfterIntervals}.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        // One instance, so that "never polled successfully" counts from the same moment on every probe.
        builder.Services.TryAddSingleton<FeedStalenessHealthCheck>();
        builder.AddCheck<SchedulerHealthCheck>(SchedulerCheckName, HealthStatus.Unhealthy, tags);
        builder.Add(new HealthCheckRegistration(
            FeedsCheckName, provider => provider.GetRequiredService<FeedStalenessHealthCheck>(), HealthStatus.Degraded, tags));
        return builder;
    }
}
