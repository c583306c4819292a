namespace OutageAlerts.Ingestion.Configuration;

/// <summary>One entry of <c>OutageAlerts:Feeds</c> (DESIGN.md contract 5).</summary>
public sealed class FeedOptions
{
    public const string SectionName = "OutageAlerts:Feeds";
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);

    /// <summary>Unique name; alert sources and operator views use it.</summary>
    public string Name { get; set; } = "";

    /// <summary>http, https or file URL.</summary>
    public string Url { get; set; } = "";

    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>
    /// The URL to fetch. Besides absolute URLs, <c>file:relative/path.xml</c> is accepted and resolved against the
    /// working directory, so bundled sample feeds work wherever the repository is checked out.
    /// </summary>
    public Uri? ResolvedUrl
    {
        get
        {
            var url = Url.Trim();
            if (url.StartsWith("file:", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("file:/", StringComparison.OrdinalIgnoreCase))
            {
                var path = Uri.UnescapeDataString(url["file:".Length..]);
                return path.Length == 0 ? null : new Uri(Path.GetFullPath(path));
            }

            return Uri.TryCreate(url, UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeFile)
                ? uri
                : null;
        }
    }
}

/// <summary>Bound from <c>OutageAlerts:Ingestion</c>.</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "OutageAlerts:Ingestion";

    /// <summary>Longest text handed to the classifier; feeds that carry whole articles are cut here.</summary>
    public const int DefaultMaxClassifiedTextLength = 4000;

    /// <summary>
    /// On a feed's first poll, items published longer ago than this are recorded as seen without alerting.
    /// Unset (the default) alerts on everything a new feed holds, which is what replays and tests expect;
    /// the Live preset sets it so that a newly added real feed does not flood subscribers with old news.
    /// </summary>
    public TimeSpan? FirstPollMaxItemAge { get; set; }

    public int MaxClassifiedTextLength { get; set; } = DefaultMaxClassifiedTextLength;

    // Short first step: a feed that was briefly unreachable (its server restarting, the service started first) is
    // back within seconds; repeated failures still double up to MaxBackoff.
    public static readonly TimeSpan DefaultBackoffBase = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultMaxRetryAfter = TimeSpan.FromHours(24);
    public const int DefaultPauseAfterParseFailures = 5;
    public static readonly TimeSpan DefaultPauseCooldown = TimeSpan.FromHours(6);

    /// <summary>
    /// After n consecutive failed polls the feed is not polled again for BackoffBase × 2^(n−1) (±20 % jitter, so
    /// feeds that failed together do not return together), capped at <see cref="MaxBackoff"/>.
    /// </summary>
    public TimeSpan BackoffBase { get; set; } = DefaultBackoffBase;

    public TimeSpan MaxBackoff { get; set; } = DefaultMaxBackoff;

    /// <summary>A server's Retry-After is honoured up to this long; a larger one cannot silence a feed for days.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = DefaultMaxRetryAfter;

    /// <summary>Consecutive parse failures after which a feed is paused (the publisher changed its format).</summary>
    public int PauseAfterParseFailures { get; set; } = DefaultPauseAfterParseFailures;

    /// <summary>How long a paused feed rests before one more attempt; an operator may resume it sooner.</summary>
    public TimeSpan PauseCooldown { get; set; } = DefaultPauseCooldown;

    /// <summary>
    /// Alerts of one poll whose broker confirm may be awaited at once. Items are still classified and correlated one
    /// after another in feed order; only the wait for the broker's confirm (on RabbitMQ 10–30 ms for a persistent
    /// message that is not consumed at once) overlaps. 1 publishes strictly one at a time.
    /// </summary>
    public int MaxPublishesInFlight { get; set; } = DefaultMaxPublishesInFlight;

    public const int DefaultMaxPublishesInFlight = 32;

    /// <summary>Quartz scheduler name; replicas sharing a clustered job store must use the same one.</summary>
    public string SchedulerName { get; set; } = DefaultSchedulerName;

    public const string DefaultSchedulerName = "outage-alerts";
}
