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
    private const string ProcessItem = "process item";
    private const string RouteAlert = "route alert";

    private readonly TimeProvider _time;
    private readonly ActivityListener _listener;

    // Keyed by source and name, formatted only when summarised: the listener runs on the service's hot path.
    private readonly ConcurrentDictionary<(string Source, string Name), ConcurrentQueue<double>> _durations = new();

    // When each item's processing and each alert's routing ended, on the harness's clock (the receiver's arrivals
    // are on it too), for the timeline of a phase.
    private readonly ConcurrentQueue<long> _itemsEnded = new();
    private readonly ConcurrentQueue<long> _routesEnded = new();

    // Where one alert's path starts each step, for the latency breakdown: by item id (process item), by the span id
    // of its process item (so that a publish finds its item), and by alert id (route, deliver).
    private readonly ConcurrentDictionary<string, DateTime> _itemStarted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ActivitySpanId, string> _itemOfSpan = new();
    private readonly ConcurrentDictionary<string, (string ItemId, DateTime Started)> _published = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _routed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _delivered = new(StringComparer.Ordinal);
    private volatile bool _recording;
    private volatile bool _milestones;

    public StageTimings(TimeProvider time)
    {
        _time = time;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("OutageAlerts", StringComparison.Ordinal) || source.Name.StartsWith("MassTransit", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Forgets what was recorded so far and records from now on.</summary>
    /// <param name="milestones">
    /// Whether to note where each alert's path starts each step, for <see cref="Breakdown"/>. The throughput phase
    /// does not need them, and they are most of this listener's cost, which the service's processor time includes.
    /// </param>
    public void Start(bool milestones = true)
    {
        _durations.Clear();
        _itemStarted.Clear();
        _itemOfSpan.Clear();
        _published.Clear();
        _routed.Clear();
        _delivered.Clear();
        _itemsEnded.Clear();
        _routesEnded.Clear();
        _milestones = milestones;
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
            .Select(kv => (Name: $"{kv.Key.Source}: {kv.Key.Name}", Durations: kv.Value))
            .OrderBy(x => x.Name, StringComparer.Ordinal)
            .ToDictionary(x => x.Name, x => Summarise([.. x.Durations]), StringComparer.Ordinal);
    }

    /// <summary>
    /// Items processed, alerts routed and webhooks received per <see cref="StageTimeline.BucketWidth"/> since
    /// <paramref name="started"/>, from what was recorded since <see cref="Start"/>.
    /// </summary>
    /// <param name="started">A timestamp of the <see cref="TimeProvider"/> given to the constructor.</param>
    /// <param name="arrivals">When each webhook of the phase was read by the receiver, on the same clock.</param>
    public IReadOnlyList<TimelineBucket> Timeline(long started, IEnumerable<long> arrivals)
    {
        IEnumerable<TimeSpan> Offsets(IEnumerable<long> stamps) => stamps.Select(stamp => _time.GetElapsedTime(started, stamp));
        return StageTimeline.Build(StageTimeline.BucketWidth, Offsets(_itemsEnded), Offsets(_routesEnded), Offsets(arrivals));
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Activity activity)
    {
        if (!_recording)
        {
            return;
        }

        var name = activity.OperationName;
        if (name == ProcessItem)
        {
            _itemsEnded.Enqueue(_time.GetTimestamp());
        }
        else if (name == RouteAlert)
        {
            _routesEnded.Enqueue(_time.GetTimestamp());
        }
        else if (name.StartsWith("poll ", StringComparison.Ordinal))
        {
            name = "poll";
        }

        _durations.GetOrAdd((activity.Source.Name, name), static _ => new()).Enqueue(activity.Duration.TotalMilliseconds);
        if (_milestones)
        {
            Milestone(activity);
        }
    }

    private void Milestone(Activity activity)
    {
        switch (activity.OperationName)
        {
            case ProcessItem when activity.GetTagItem("outagealerts.item.id") is string itemId:
                _itemStarted.TryAdd(itemId, activity.StartTimeUtc);
                _itemOfSpan.TryAdd(activity.SpanId, itemId);
                break;
            case "publish alert" when activity.GetTagItem("outagealerts.alert.id") is string alertId
                && _itemOfSpan.TryGetValue(activity.ParentSpanId, out var item):
                _published.TryAdd(alertId, (item, activity.StartTimeUtc));
                break;
            case RouteAlert when activity.GetTagItem("outagealerts.alert.id") is string alertId:
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
