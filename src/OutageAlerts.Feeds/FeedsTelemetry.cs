using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OutageAlerts.Feeds;

/// <summary>The Feeds area's one activity source and one meter.</summary>
public static class FeedsTelemetry
{
    public const string Name = "OutageAlerts.Feeds";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Fetches by outcome (tag <c>status</c>: ok, not_modified, gone, failed).</summary>
    internal static readonly Counter<long> Fetches =
        Meter.CreateCounter<long>("outagealerts.feeds.fetches", "{fetch}", "Feed fetches by outcome");

    internal static readonly Histogram<long> BodyBytes =
        Meter.CreateHistogram<long>("outagealerts.feeds.fetch.body_size", "By", "Size of fetched feed bodies");
}
