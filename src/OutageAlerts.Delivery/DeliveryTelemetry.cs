using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OutageAlerts.Delivery;

/// <summary>The delivery area's trace source and meter, both named <see cref="Name"/>.</summary>
public static class DeliveryTelemetry
{
    public const string Name = "OutageAlerts.Delivery";

    public static ActivitySource Source { get; } = new(Name);

    public static Meter Meter { get; } = new(Name);

    /// <summary>Delivery attempts by <c>channel</c> and <c>outcome</c> (delivered, failed, retrying, skipped).</summary>
    public static Counter<long> Deliveries { get; } = Meter.CreateCounter<long>(
        "outagealerts.delivery.deliveries", unit: "{delivery}", description: "Delivery attempts by channel and outcome.");

    /// <summary>Delivery messages sent to channel queues by <c>event</c> and <c>channel</c>.</summary>
    public static Counter<long> Routed { get; } = Meter.CreateCounter<long>(
        "outagealerts.delivery.routed", unit: "{delivery}", description: "Alert deliveries routed to channel queues.");

    /// <summary>Alert events routed together in one batch; their webhook deliveries leave in one message.</summary>
    public static Histogram<int> RoutingBatchSize { get; } = Meter.CreateHistogram<int>(
        "outagealerts.delivery.routing_batch_size", unit: "{alert}", description: "Alert events routed together in one batch.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000] });

    /// <summary>From the first fetch of the incident's report to a successful delivery.</summary>
    public static Histogram<double> Latency { get; } = Meter.CreateHistogram<double>(
        "outagealerts.delivery.latency", unit: "ms", description: "Time from first fetch of a report to its delivery.");

    /// <summary>Webhook endpoints turned off because they answered 410 Gone.</summary>
    public static Counter<long> EndpointsDisabled { get; } = Meter.CreateCounter<long>(
        "outagealerts.delivery.endpoints_disabled", unit: "{endpoint}", description: "Webhook endpoints disabled after 410 Gone.");

    /// <summary>Deliveries not sent because a silence, quiet hours, a rate cap or a digest held them back, by <c>reason</c>.</summary>
    public static Counter<long> Held { get; } = Meter.CreateCounter<long>(
        "outagealerts.delivery.held", unit: "{delivery}", description: "Deliveries held back by silences, quiet hours, caps or digests.");
}
