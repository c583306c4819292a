using Microsoft.Extensions.Options;

namespace OutageAlerts.Host.Memory;

/// <summary>What a check of <see cref="IdleMemoryTrimmer"/> decided.</summary>
internal enum TrimDecision
{
    /// <summary>The first check: there is no allocation rate to judge yet.</summary>
    FirstCheck,

    /// <summary>Allocating faster than a quiet service does; the collector's budget is what the work needs.</summary>
    Busy,

    /// <summary>No collection since the last trim, so nothing has grown back to give.</summary>
    NothingCollected,

    /// <summary>What is committed beyond the live heap is below the threshold.</summary>
    LittleToRelease,

    /// <summary>The last trim was too recent.</summary>
    TooSoon,

    Trim,
}

/// <summary>
/// Gives back what a burst left committed in the managed heap once the service is quiet (issue 10).
/// </summary>
/// <remarks>
/// The service runs the workstation collector without background collections, which lets the young generation grow
/// with what survives a burst (fewer, shorter pauses per alert; see the project file), and keeps freed regions
/// committed for the next burst. Quiet, the service allocates too little for the collector to shrink that budget
/// for minutes, so a process with 10,000 open incidents and ~30 MB live kept 65–76 MB committed. One aggressive
/// collection when the service is quiet gives it back (231 → 196 MB resident, session 20) without the background
/// collector's ~28 % more processor time per alert, and without touching the burst: a busy service is never trimmed.
/// </remarks>
internal sealed partial class IdleMemoryTrimmer(
    IManagedHeap heap,
    MemoryTrimMetrics metrics,
    IOptions<MemoryOptions> options,
    TimeProvider time,
    ILogger<IdleMemoryTrimmer> logger) : BackgroundService
{
    /// <summary>How each trim's log line starts (the load harness counts them in the service's output).</summary>
    internal const string TrimmedLogStart = "Quiet: gave back managed-heap memory a burst left committed";

    private const double MiB = 1024 * 1024;

    private ManagedHeapSample? _previous;
    private long _previousAt;
    private long? _lastTrimAt;
    private int _collectionsAfterLastTrim = -1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Reads the heap, and trims it when the service has been quiet since the last check and it is worth it.</summary>
    internal TrimDecision Check()
    {
        var now = time.GetTimestamp();
        var sample = heap.Sample();
        var decision = Decide(
            _previous,
            sample,
            _previous is null ? TimeSpan.Zero : time.GetElapsedTime(_previousAt, now),
            _lastTrimAt is { } at ? time.GetElapsedTime(at, now) : null,
            _collectionsAfterLastTrim,
            options.Value);
        if (decision == TrimDecision.Trim)
        {
            var started = time.GetTimestamp();
            heap.CollectAggressively();
            var duration = time.GetElapsedTime(started);
            var after = heap.Sample();
            metrics.Trimmed(sample.CommittedBytes - after.CommittedBytes, duration);
            LogTrimmed(sample.CommittedBytes / MiB, after.CommittedBytes / MiB, after.HeapSizeBytes / MiB, duration.TotalMilliseconds);
            _lastTrimAt = time.GetTimestamp();
            _collectionsAfterLastTrim = after.Collections;
            sample = after;
        }

        _previous = sample;
        _previousAt = time.GetTimestamp();
        return decision;
    }

    /// <param name="previous">The last check's sample, or null at the first check.</param>
    /// <param name="current">This check's sample.</param>
    /// <param name="sincePrevious">Time since <paramref name="previous"/> was read.</param>
    /// <param name="sinceLastTrim">Time since the last trim, or null if there was none.</param>
    /// <param name="collectionsAfterLastTrim">The collection count right after the last trim (-1: none).</param>
    internal static TrimDecision Decide(
        ManagedHeapSample? previous,
        ManagedHeapSample current,
        TimeSpan sincePrevious,
        TimeSpan? sinceLastTrim,
        int collectionsAfterLastTrim,
        MemoryOptions options)
    {
        if (previous is not { } last || sincePrevious <= TimeSpan.Zero)
        {
            return TrimDecision.FirstCheck;
        }

        var allocated = Math.Max(0, current.AllocatedBytes - last.AllocatedBytes);
        if (allocated > options.QuietAllocationBytesPerSecond * sincePrevious.TotalSeconds)
        {
            return TrimDecision.Busy;
        }

        if (current.Collections == collectionsAfterLastTrim)
        {
            return TrimDecision.NothingCollected;
        }

        if (current.SpareBytes <= options.TrimThresholdBytes)
        {
            return TrimDecision.LittleToRelease;
        }

        return sinceLastTrim < options.MinimumTrimInterval ? TrimDecision.TooSoon : TrimDecision.Trim;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = TrimmedLogStart + ", {CommittedBeforeMiB:0.0} → {CommittedAfterMiB:0.0} MiB committed, {HeapMiB:0.0} MiB live, paused {PauseMs:0.0} ms")]
    private partial void LogTrimmed(double committedBeforeMiB, double committedAfterMiB, double heapMiB, double pauseMs);
}
