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

    // Where one alert's path starts each step, for the latency breakdown: by item id (process item), by the span id
    // of its process item (so that a publish finds its item), and by alert id (route, deliver).
    private readonly ConcurrentDictionary<string, DateTime> _itemStarted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ActivitySpanId, string> _itemOfSpan = new();
    private readonly ConcurrentDictionary<string, (string ItemId, DateTime Started)> _published = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _routed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _delivered = new(StringComparer.Ordinal);
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
        _itemStarted.Clear();
        _itemOfSpan.Clear();
        _published.Clear();
        _routed.Clear();
        _delivered.Clear();
        _recording = true;
    }

    /// <summary>
    /// Where the fetch-to-webhook time of the alerts recorded since <see cref="Start"/> went, step by step (each
    /// alert's first attempt): from the feed's response to its item's processing (fetch, parse, the items before it
    /// in the same poll), classification and correlation, publish to routing (broker hop and queue), routing to
    /// delivery (routing, its send, the second hop), delivery to the receiver (store writes and the POST).
    /// </summary>
    public IReadOnlyDictionary<string, StageSummary> Breakdown(IEnumerable<(string ItemId, DateTime Served, DateTime Arrived)> alerts)
    {
        var steps = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        void Add(string step, DateTime from, DateTime to)
        {
            if (!steps.TryGetValue(step, out var list))
            {
                steps[step] = list = [];
            }

            list.Add((to - from).TotalMilliseconds);
        }

        var publishedByItem = _published.ToDictionary(kv => kv.Value.ItemId, kv => (AlertId: kv.Key, kv.Value.Started), StringComparer.Ordinal);
        foreach (var (itemId, served, arrived) in alerts)
        {
            if (!_itemStarted.TryGetValue(itemId, out var item) || !publishedByItem.TryGetValue(itemId, out var publish)
                || !_routed.TryGetValue(publish.AlertId, out var routed) || !_delivered.TryGetValue(publish.AlertId, out var delivered))
            {
                continue;
            }

            Add("1 served → item processed", served, item);
            Add("2 classify and correlate", item, publish.Started);
            Add("3 publish → routing starts", publish.Started, routed);
            Add("4 routing → delivery starts", routed, delivered);
            Add("5 delivery → received", delivered, arrived);
        }

        return steps.ToDictionary(kv => kv.Key, kv => Summarise([.. kv.Value]), StringComparer.Ordinal);
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
        Milestone(activity);
    }

    private void Milestone(Activity activity)
    {
        switch (activity.OperationName)
        {
            case "process item" when activity.GetTagItem("outagealerts.item.id") is string itemId:
                _itemStarted.TryAdd(itemId, activity.StartTimeUtc);
                _itemOfSpan.TryAdd(activity.SpanId, itemId);
                break;
            case "publish alert" when activity.GetTagItem("outagealerts.alert.id") is string alertId
                && _itemOfSpan.TryGetValue(activity.ParentSpanId, out var item):
                _published.TryAdd(alertId, (item, activity.StartTimeUtc));
                break;
            case "route alert" when activity.GetTagItem("outagealerts.alert.id") is string alertId:
                _routed.TryAdd(alertId, activity.StartTimeUtc);
                break;
            case "deliver webhook" when activity.GetTagItem("outagealerts.alert.id") is string alertId:
                _delivered.TryAdd(alertId, activity.StartTimeUtc);
                break;
        }
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
