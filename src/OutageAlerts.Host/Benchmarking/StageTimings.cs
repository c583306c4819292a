using System.Collections.Concurrent;
using System.Diagnostics;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>Durations of one kind of span during the measured phases; milliseconds.</summary>
public sealed record StageSummary(int Count, double MeanMs, double P50Ms, double P95Ms, double P99Ms, double TotalSeconds);

/// <summary>
/// Listens to the service's own spans (fetch, classify, correlate, publish, route, deliver, and MassTransit's
/// send/receive) while the harness runs, so a run says where the time per alert goes and not only how much it is.
/// Spans named after a feed ("poll bench-alerts-3") are counted under their first word.
/// </summary>
internal sealed class StageTimings : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _durations = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public StageTimings()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("OutageAlerts", StringComparison.Ordinal) || source.Name.StartsWith("MassTransit", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Forgets what was recorded so far and records from now on.</summary>
    public void Start()
    {
        _durations.Clear();
        _recording = true;
    }

    public IReadOnlyDictionary<string, StageSummary> Stop()
    {
        _recording = false;
        return _durations
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(kv => kv.Key, kv => Summarise([.. kv.Value]), StringComparer.Ordinal);
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Activity activity)
    {
        if (!_recording)
        {
            return;
        }

        var name = activity.OperationName.StartsWith("poll ", StringComparison.Ordinal) ? "poll" : activity.OperationName;
        _durations.GetOrAdd($"{activity.Source.Name}: {name}", _ => new()).Enqueue(activity.Duration.TotalMilliseconds);
    }

    private static StageSummary Summarise(double[] milliseconds)
    {
        Array.Sort(milliseconds);
        return new StageSummary(
            milliseconds.Length,
            Math.Round(milliseconds.Average(), 2),
            Math.Round(LatencySummary.Percentile(milliseconds, 50), 2),
            Math.Round(LatencySummary.Percentile(milliseconds, 95), 2),
            Math.Round(LatencySummary.Percentile(milliseconds, 99), 2),
            Math.Round(milliseconds.Sum() / 1000, 3));
    }
}
