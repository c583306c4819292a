namespace OutageAlerts.Ingestion.Health;

/// <summary>Bound from <c>OutageAlerts:Health</c>.</summary>
public sealed class FeedHealthOptions
{
    public const string SectionName = "OutageAlerts:Health";

    /// <summary>
    /// Three missed polls in a row: one failure is routine (a publisher restarting, a first back-off step), three
    /// mean the feed's reports are no longer arriving.
    /// </summary>
    public const double DefaultFeedStaleAfterIntervals = 3;

    public const double MinimumFeedStaleAfterIntervals = 1;

    /// <summary>
    /// A feed is stale, and readiness Degraded, when it has had no successful poll (200 or 304) for more than this
    /// many of its intervals.
    /// </summary>
    public double FeedStaleAfterIntervals { get; set; } = DefaultFeedStaleAfterIntervals;
}
