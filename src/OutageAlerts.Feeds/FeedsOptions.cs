namespace OutageAlerts.Feeds;

/// <summary>How feeds are fetched; bound from <c>OutageAlerts:FeedFetching</c>.</summary>
public sealed class FeedsOptions
{
    public const string SectionName = "OutageAlerts:FeedFetching";

    /// <summary>15 MiB: far above any real feed, far below what would hurt the process.</summary>
    public const long DefaultMaxBodyBytes = 15L * 1024 * 1024;

    public const int DefaultTimeoutSeconds = 60;
    public const int DefaultAttemptTimeoutSeconds = 20;
    public const int DefaultMaxRetries = 2;
    public const int DefaultRetryBaseDelayMilliseconds = 1000;
    public const int DefaultMaxRedirects = 5;
    public const int DefaultMaxConcurrentFetchesPerHost = 2;
    public const string DefaultUserAgent = "OutageAlerts-FeedFetcher/1.0 (humanitarian outage alerting)";

    /// <summary>Largest body accepted; a larger one fails the fetch while it streams in.</summary>
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>Budget for the whole fetch: every attempt, the waits between them, and reading the body.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(DefaultTimeoutSeconds);

    /// <summary>Budget for one attempt, up to the response headers.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(DefaultAttemptTimeoutSeconds);

    /// <summary>Retries after transient failures (network errors, 5xx, 408); 4xx and 429 are never retried.</summary>
    public int MaxRetries { get; set; } = DefaultMaxRetries;

    /// <summary>First back-off delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(DefaultRetryBaseDelayMilliseconds);

    public int MaxRedirects { get; set; } = DefaultMaxRedirects;

    /// <summary>Fetches in flight at once against one host; more wait their turn.</summary>
    public int MaxConcurrentFetchesPerHost { get; set; } = DefaultMaxConcurrentFetchesPerHost;

    /// <summary>Sent with every request so publishers can tell who is polling them.</summary>
    public string UserAgent { get; set; } = DefaultUserAgent;
}
