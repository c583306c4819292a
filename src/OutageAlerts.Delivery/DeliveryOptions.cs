using System.ComponentModel.DataAnnotations;

namespace OutageAlerts.Delivery;

/// <summary>Bound from <c>OutageAlerts:Delivery</c>: how the channel queues retry and where the outbox is.</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "OutageAlerts:Delivery";
    public const int DefaultRetryLimit = 6;
    public const int DefaultConcurrentMessageLimit = 8;
    public static readonly TimeSpan DefaultRetryMinInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultRetryMaxInterval = TimeSpan.FromMinutes(5);

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

    public bool OutboxEnabled => !string.IsNullOrWhiteSpace(OutboxDirectory);
}
