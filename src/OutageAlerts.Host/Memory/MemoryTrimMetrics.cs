using System.Diagnostics.Metrics;
using OutageAlerts.Host.Telemetry;

namespace OutageAlerts.Host.Memory;

/// <summary>What the quiet-time trims gave back, on the host area's Meter.</summary>
public sealed class MemoryTrimMetrics
{
    public const string TrimsName = "outagealerts.memory.trims";
    public const string ReleasedName = "outagealerts.memory.trim.released";
    public const string DurationName = "outagealerts.memory.trim.duration";

    private readonly Counter<long> _trims;
    private readonly Counter<long> _released;
    private readonly Histogram<double> _duration;

    public MemoryTrimMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(BacklogMetrics.MeterName);
        _trims = meter.CreateCounter<long>(TrimsName, "{trim}", "Collections run to give back memory the heap kept committed after a burst, once the service was quiet.");
        _released = meter.CreateCounter<long>(ReleasedName, "By", "Committed managed-heap memory those collections gave back.");
        _duration = meter.CreateHistogram<double>(DurationName, "s", "How long each of those collections paused the service.");
    }

    public void Trimmed(long releasedBytes, TimeSpan duration)
    {
        _trims.Add(1);
        _released.Add(Math.Max(0, releasedBytes));
        _duration.Record(duration.TotalSeconds);
    }
}
