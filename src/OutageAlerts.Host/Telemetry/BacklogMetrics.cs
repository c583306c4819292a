using System.Diagnostics.Metrics;

namespace OutageAlerts.Host.Telemetry;

/// <summary>
/// Gauges for work that waits: delivery retries in the store and messages in RabbitMQ's error queues. Background
/// monitors (<see cref="DeliveryRetriesMonitor"/>, <c>ErrorQueueMonitor</c>) refresh the values; the gauges only
/// read the last refresh, so a Prometheus scrape never waits on the store or the broker. A value nobody could read
/// (store or broker down, or not this process's business) is not reported at all rather than reported stale.
/// </summary>
public sealed class BacklogMetrics
{
    /// <summary>The host area's Meter; like every area's, it matches <c>OutageAlerts.*</c>.</summary>
    public const string MeterName = "OutageAlerts.Host";

    public const string PendingRetriesName = "outagealerts.delivery.retries.pending";
    public const string ErrorQueueDepthName = "outagealerts.messaging.error_queue.depth";

    /// <summary>OpenTelemetry messaging semantic conventions' attribute for a queue's name.</summary>
    public const string QueueAttribute = "messaging.destination.name";

    private const long Unknown = -1;

    private long _pendingRetries = Unknown;
    private IReadOnlyDictionary<string, long>? _errorQueueDepths;

    public BacklogMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(
            PendingRetriesName,
            ObservePendingRetries,
            "{retry}",
            "Delivery retries waiting in the store (table delivery_retries), as of the last background refresh.");
        meter.CreateObservableGauge(
            ErrorQueueDepthName,
            ObserveErrorQueueDepths,
            "{message}",
            "Messages in each RabbitMQ error queue (<endpoint>_error), as of the last background refresh.");
    }

    /// <summary>The latest count of pending retries, or null when it could not be read.</summary>
    public long? PendingRetries => Interlocked.Read(ref _pendingRetries) is var count and not Unknown ? count : null;

    /// <summary>The latest depth of each error queue, or null when the broker could not be asked.</summary>
    public IReadOnlyDictionary<string, long>? ErrorQueueDepths => Volatile.Read(ref _errorQueueDepths);

    public void ReportPendingRetries(long? count) => Interlocked.Exchange(ref _pendingRetries, count ?? Unknown);

    public void ReportErrorQueueDepths(IReadOnlyDictionary<string, long>? depths) =>
        Volatile.Write(ref _errorQueueDepths, depths is null ? null : new Dictionary<string, long>(depths, StringComparer.Ordinal));

    private IEnumerable<Measurement<long>> ObservePendingRetries() =>
        PendingRetries is { } count ? [new Measurement<long>(count)] : [];

    private IEnumerable<Measurement<long>> ObserveErrorQueueDepths() =>
        ErrorQueueDepths is { } depths
            ? depths.Select(d => new Measurement<long>(d.Value, new KeyValuePair<string, object?>(QueueAttribute, d.Key)))
            : [];
}
