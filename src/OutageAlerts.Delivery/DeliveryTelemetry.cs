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

    /// <summary>From the first fetch of the incident's report to a successful delivery.</summary>
    public static Histogram<double> Latency { get; } = Meter.CreateHistogram<double>(
        "outagealerts.delivery.latency", unit: "ms", description: "Time from first fetch of a report to its delivery.");
}
