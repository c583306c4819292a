using System.ComponentModel.DataAnnotations;

namespace OutageAlerts.Storage.Retention;

/// <summary>
/// Bound from <c>OutageAlerts:Retention</c>: how long the store keeps what the service no longer works with (seen items,
/// incidents, the delivery log, archived and current alerts, digests), and how often it deletes what is older.
/// </summary>
public sealed class RetentionOptions
{
    public const string SectionName = "OutageAlerts:Retention";

    /// <summary>Half a year: long enough for an NGO desk's audit questions about a season, short enough to bound the store.</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(180);

    /// <summary>
    /// The shortest period accepted: the correlation window, the quiet period that closes an incident and the
    /// delivery retries all fit well inside it, so nothing still in use is ever deleted.
    /// </summary>
    public static readonly TimeSpan MinimumPeriod = TimeSpan.FromDays(7);

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(1);

    public const int DefaultBatchSize = 1000;

    /// <summary>False keeps everything forever (the store then grows with every item and alert).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>What is older than this is deleted; an item published earlier than this is never alerted on.</summary>
    public TimeSpan Period { get; set; } = DefaultPeriod;

    /// <summary>How often expired data is looked for.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>
    /// Rows of one table deleted per write: each batch is a short write of its own, so a first run over a large
    /// backlog never holds the store's writer for long.
    /// </summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = DefaultBatchSize;
}
