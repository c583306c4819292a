using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace OutageAlerts.Host.Telemetry;

/// <summary>
/// How each instrument is aggregated: histogram buckets where the defaults do not fit, Quartz's job metrics per group,
/// and how many series (tag combinations) each stream may hold.
/// </summary>
/// <remarks>
/// The SDK allocates a stream's metric points up front, as many as its cardinality limit (2,000 by default, ~72 bytes
/// each): with ~100 streams (ours, MassTransit's, HttpClient's, ASP.NET Core's, the runtime's) that was 15 MB of the
/// 45 MB live heap of the load harness (issue 10), for streams that hold a handful of series each. Limits follow what
/// the tags can take instead; a stream that passes its limit folds the rest into one overflow series
/// (<c>otel.metric.overflow</c>), so a limit set too low blurs a dashboard, it loses no count.
/// </remarks>
internal static class MetricStreams
{
    /// <summary>Series of a stream whose tags take a few values each: channels, outcomes, message types, routes.</summary>
    public const int DefaultLimit = 200;

    /// <summary>HttpClient's streams carry the server's address: one series per webhook host, SMS gateway and feed host.</summary>
    public const int HttpClientLimit = 2_000;

    /// <summary>Per-feed streams hold at least this many series, as the SDK's default did.</summary>
    public const int PerFeedMinimum = 2_000;

    /// <summary>Outcomes a feed's polls are counted by (Ok, NotModified, Failed, ParseFailed, Gone, Disabled, Deferred).</summary>
    public const int PollOutcomes = 7;

    /// <summary>Prefix of the instruments tagged with the feed's name.</summary>
    public const string PerFeedPrefix = "outagealerts.feed.";

    // Fetches take milliseconds to tens of seconds; the default buckets (0…10,000) put every one in the first bucket.
    private static readonly double[] FetchSecondsBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];

    // Deliveries take from seconds to an hour (held, quiet hours, retries); the default buckets end at 10 s.
    private static readonly double[] LatencyMillisecondsBuckets =
        [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 900_000, 1_800_000, 3_600_000];

    // A trim's pause is milliseconds to a fraction of a second; the default buckets start at 5 (seconds).
    private static readonly double[] PauseSecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    // Quartz labels its job metrics with the job's and the trigger's names, and there is one job per feed: with 1,000
    // feeds that was 18,000 series and a 9.4 MB /metrics answer every scrape, whose buffer alone kept 11 MB of the
    // process resident (issue 10). Per-feed timing and outcomes are ours (outagealerts.feed.*); Quartz's stay per group.
    private static readonly string[] QuartzJobTags = ["quartz.job.group", "quartz.job.result", "quartz.scheduler.name"];

    /// <summary>The stream of <paramref name="instrument"/> in a service configured with <paramref name="feeds"/> feeds.</summary>
    public static MetricStreamConfiguration For(Instrument instrument, int feeds)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var limit = CardinalityLimit(instrument.Name, feeds);
        return instrument.Name switch
        {
            "outagealerts.feed.fetch.duration" => new ExplicitBucketHistogramConfiguration { Boundaries = FetchSecondsBuckets, CardinalityLimit = limit },
            "outagealerts.delivery.latency" => new ExplicitBucketHistogramConfiguration { Boundaries = LatencyMillisecondsBuckets, CardinalityLimit = limit },
            Memory.MemoryTrimMetrics.DurationName => new ExplicitBucketHistogramConfiguration { Boundaries = PauseSecondsBuckets, CardinalityLimit = limit },
            "quartz.job.execution.duration" or "quartz.job.execution.active" => new MetricStreamConfiguration { TagKeys = QuartzJobTags, CardinalityLimit = limit },
            _ => new MetricStreamConfiguration { CardinalityLimit = limit },
        };
    }

    public static int CardinalityLimit(string instrument, int feeds)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        if (instrument.StartsWith(PerFeedPrefix, StringComparison.Ordinal))
        {
            // A quarter more than the configured feeds: room for those an operator adds while the service runs.
            var perFeed = instrument == "outagealerts.feed.polls" ? PollOutcomes : 1;
            return Math.Max(PerFeedMinimum, Math.Max(0, feeds) * perFeed * 5 / 4);
        }

        return instrument.StartsWith("http.client.", StringComparison.Ordinal) ? HttpClientLimit : DefaultLimit;
    }
}
