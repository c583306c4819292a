namespace OutageAlerts.Host.Benchmarking;

/// <summary>What the pipeline finished in one slice of the throughput phase, counted where it ended.</summary>
/// <param name="AtMs">Start of the slice, from the moment the alerts were released.</param>
/// <param name="ItemsProcessed"><c>process item</c> spans (classify, correlate, publish) that ended in the slice.</param>
/// <param name="Routed"><c>route alert</c> spans that ended in the slice.</param>
/// <param name="Delivered">Webhooks of the phase's alerts that the receiver had read in the slice.</param>
public sealed record TimelineBucket(int AtMs, int ItemsProcessed, int Routed, int Delivered);

/// <summary>
/// Counts of each step per slice of time, so a run shows whether ingestion, routing and delivery progress together
/// or one after another (the phases serialise when routing and delivery wait for ingestion to let go of the processors).
/// </summary>
internal static class StageTimeline
{
    public static readonly TimeSpan BucketWidth = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// One bucket per <paramref name="width"/> from the start up to the last event, empty ones included so the list
    /// reads as a time axis. Times are offsets from the start; anything before it counts in the first bucket.
    /// </summary>
    public static IReadOnlyList<TimelineBucket> Build(
        TimeSpan width, IEnumerable<TimeSpan> itemsProcessed, IEnumerable<TimeSpan> routed, IEnumerable<TimeSpan> delivered)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(width, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(itemsProcessed);
        ArgumentNullException.ThrowIfNull(routed);
        ArgumentNullException.ThrowIfNull(delivered);

        var counts = new List<int[]>();
        void Count(IEnumerable<TimeSpan> offsets, int column)
        {
            foreach (var offset in offsets)
            {
                var index = offset <= TimeSpan.Zero ? 0 : (int)(offset.Ticks / width.Ticks);
                while (counts.Count <= index)
                {
                    counts.Add(new int[3]);
                }

                counts[index][column]++;
            }
        }

        Count(itemsProcessed, 0);
        Count(routed, 1);
        Count(delivered, 2);
        var widthMs = (int)width.TotalMilliseconds;
        return [.. counts.Select((c, i) => new TimelineBucket(i * widthMs, c[0], c[1], c[2]))];
    }
}
