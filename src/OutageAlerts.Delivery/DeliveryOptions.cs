using System.ComponentModel.DataAnnotations;

namespace OutageAlerts.Delivery;

/// <summary>Bound from <c>OutageAlerts:Delivery</c>: how the channel queues retry and where the outbox is.</summary>
public sealed class DeliveryOptions : IValidatableObject
{
    public const string SectionName = "OutageAlerts:Delivery";
    public const int DefaultRetryLimit = 6;
    public const int DefaultConcurrentMessageLimit = 8;
    public static readonly TimeSpan DefaultRetryMinInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultRetryMaxInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultDigestPollInterval = TimeSpan.FromSeconds(30);
    public const int DefaultRoutingBatchSize = 32;
    public static readonly TimeSpan DefaultRoutingBatchWait = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// When set, every channel writes what it would deliver as files here instead of sending (the Development
    /// environment uses <c>data/outbox</c> so alerts can be seen without SMTP, SMS or webhook accounts).
    /// </summary>
    public string? OutboxDirectory { get; set; }

    /// <summary>How many times a transient failure is retried before the delivery is logged as failed.</summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = DefaultRetryLimit;

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryMinInterval { get; set; } = DefaultRetryMinInterval;

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryMaxInterval { get; set; } = DefaultRetryMaxInterval;

    /// <summary>Deliveries in flight per channel queue and process.</summary>
    [Range(1, 256)]
    public int ConcurrentMessageLimit { get; set; } = DefaultConcurrentMessageLimit;

    /// <summary>
    /// At most this many alert events are routed together, and their webhook deliveries leave in one message to the
    /// webhook queue (issue 10: one broker hop per batch instead of per delivery). 1 routes every alert on its own.
    /// </summary>
    [Range(1, 1_000, ErrorMessage = SectionName + ":" + nameof(RoutingBatchSize) + " must be between 1 and 1000 (alerts).")]
    public int RoutingBatchSize { get; set; } = DefaultRoutingBatchSize;

    /// <summary>
    /// How long routing waits, from the first alert of a batch, for more to join it before routing what it has: the
    /// most a batch adds to an alert's latency when alerts trickle in; a burst fills batches without waiting.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01",
        ErrorMessage = SectionName + ":" + nameof(RoutingBatchWait) + " must be between 00:00:00.001 and 00:00:01.")]
    public TimeSpan RoutingBatchWait { get; set; } = DefaultRoutingBatchWait;

    /// <summary>Deliveries per recipient and hour, per channel, before further non-Extreme alerts are held back.</summary>
    public RecipientCaps RecipientCaps { get; set; } = new();

    /// <summary>How often the digest pump looks for digests that fell due and for digests to send again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan DigestPollInterval { get; set; } = DefaultDigestPollInterval;

    public bool OutboxEnabled => !string.IsNullOrWhiteSpace(OutboxDirectory);

    /// <summary>Per-queue RabbitMQ prefetch and concurrency (<c>OutageAlerts:Delivery:Channels:Webhook:PrefetchCount</c>…).</summary>
    public DeliveryChannelLimits Channels { get; set; } = new();

    /// <summary>Checks the per-queue limits (DataAnnotations does not look into nested objects), naming each bad key.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, limits) in Channels.All)
        {
            var key = $"{SectionName}:{nameof(Channels)}:{name}";
            if (limits.PrefetchCount is { } prefetch && prefetch is < 1 or > EndpointLimits.MaxPrefetchCount)
            {
                yield return new ValidationResult(
                    $"{key}:{nameof(EndpointLimits.PrefetchCount)} must be between 1 and {EndpointLimits.MaxPrefetchCount} (was {prefetch}).",
                    [$"{nameof(Channels)}.{name}.{nameof(EndpointLimits.PrefetchCount)}"]);
            }

            if (limits.ConcurrentMessageLimit is { } limit && limit is < 1 or > EndpointLimits.MaxConcurrentMessageLimit)
            {
                yield return new ValidationResult(
                    $"{key}:{nameof(EndpointLimits.ConcurrentMessageLimit)} must be between 1 and {EndpointLimits.MaxConcurrentMessageLimit} (was {limit}).",
                    [$"{nameof(Channels)}.{name}.{nameof(EndpointLimits.ConcurrentMessageLimit)}"]);
            }
        }
    }
}

/// <summary>
/// Bound from <c>OutageAlerts:Delivery:Channels</c>: limits per queue, so a slow channel (SMTP relay, SMS gateway) can
/// be throttled without slowing the webhook queue. Unset values fall back to <see cref="DeliveryOptions.ConcurrentMessageLimit"/>
/// and the bus-wide <c>OutageAlerts:RabbitMq:PrefetchCount</c>.
/// </summary>
public sealed class DeliveryChannelLimits
{
    public EndpointLimits Routing { get; set; } = new();

    public EndpointLimits Webhook { get; set; } = new();

    public EndpointLimits Email { get; set; } = new();

    public EndpointLimits Sms { get; set; } = new();

    /// <summary>The limits of the queue named <paramref name="queue"/> (one of <see cref="DeliveryQueues"/>).</summary>
    internal EndpointLimits ForQueue(string queue) => queue switch
    {
        DeliveryQueues.AlertRouting => Routing,
        DeliveryQueues.Webhook => Webhook,
        DeliveryQueues.Email => Email,
        DeliveryQueues.Sms => Sms,
        _ => throw new ArgumentOutOfRangeException(nameof(queue), queue, "not a delivery queue"),
    };

    internal IEnumerable<(string Name, EndpointLimits Limits)> All =>
        [(nameof(Routing), Routing), (nameof(Webhook), Webhook), (nameof(Email), Email), (nameof(Sms), Sms)];
}

/// <summary>The limits of one receive endpoint, per process.</summary>
public sealed class EndpointLimits
{
    public const int MaxPrefetchCount = 10_000;
    public const int MaxConcurrentMessageLimit = 256;

    /// <summary>Messages RabbitMQ hands this process before it acknowledges any (unset: the bus-wide prefetch).</summary>
    public int? PrefetchCount { get; set; }

    /// <summary>Messages this process handles at once from the queue (unset: <see cref="DeliveryOptions.ConcurrentMessageLimit"/>).</summary>
    public int? ConcurrentMessageLimit { get; set; }
}

/// <summary>
/// Bound from <c>OutageAlerts:Delivery:RecipientCaps</c>: per hour and recipient; 0 means no cap. People get a cap,
/// machines do not: a flood of SMS at night is what makes a duty officer switch alerts off.
/// </summary>
public sealed class RecipientCaps
{
    public const int DefaultEmail = 120;
    public const int DefaultSms = 20;
    public const int DefaultWebhook = 0;

    [Range(0, 100_000)]
    public int Email { get; set; } = DefaultEmail;

    [Range(0, 100_000)]
    public int Sms { get; set; } = DefaultSms;

    [Range(0, 100_000)]
    public int Webhook { get; set; } = DefaultWebhook;
}
