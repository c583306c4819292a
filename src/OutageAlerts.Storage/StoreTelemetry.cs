using System.Diagnostics.Metrics;

namespace OutageAlerts.Storage;

/// <summary>The store's meter, named <see cref="Name"/>: how SQLite's single writer batches its commits.</summary>
public static class StoreTelemetry
{
    public const string Name = "OutageAlerts.Storage";

    /// <summary>
    /// The SQLite writer's thread, as thread dumps, <c>perf</c> and Linux's <c>/proc/&lt;pid&gt;/task/*/comm</c> show it
    /// (Linux keeps the first 15 bytes of a thread's name, so the two names differ within them).
    /// </summary>
    public const string WriterThreadName = "SQLite writer";

    /// <summary>The thread that checkpoints the writer's WAL into the database; see <see cref="WriterThreadName"/>.</summary>
    public const string CheckpointerThreadName = "SQLite checkpointer";

    public static Meter Meter { get; } = new(Name);

    /// <summary>
    /// Writes per SQLite commit. Near 1 when the service is quiet; it grows under a burst, which is when sharing a
    /// commit saves the most.
    /// </summary>
    public static Histogram<int> WriteBatch { get; } = Meter.CreateHistogram<int>(
        "outagealerts.store.write.batch", unit: "{write}", description: "Writes committed together by the SQLite writer.");

    /// <summary>From BEGIN to COMMIT of one SQLite batch, the writes included.</summary>
    public static Histogram<double> CommitDuration { get; } = Meter.CreateHistogram<double>(
        "outagealerts.store.write.duration", unit: "ms", description: "Time the SQLite writer took for one batch, writes and commit.");
}
