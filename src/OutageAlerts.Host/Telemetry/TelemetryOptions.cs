namespace OutageAlerts.Host.Telemetry;

/// <summary>Bound from <c>OutageAlerts:Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "OutageAlerts:Telemetry";

    /// <summary>
    /// Prometheus scrapes every 15 to 60 s; refreshing as often keeps the gauges current without a store query or
    /// a broker round trip per scrape.
    /// </summary>
    public static readonly TimeSpan DefaultBacklogRefreshInterval = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan MaximumBacklogRefreshInterval = TimeSpan.FromHours(1);

    /// <summary>How often the pending-retries and error-queue gauges are refreshed in the background.</summary>
    public TimeSpan BacklogRefreshInterval { get; set; } = DefaultBacklogRefreshInterval;
}
