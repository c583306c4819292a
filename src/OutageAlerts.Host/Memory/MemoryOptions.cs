namespace OutageAlerts.Host.Memory;

/// <summary>Bound from <c>OutageAlerts:Memory</c>: giving back the memory a burst left committed once the service is quiet.</summary>
public sealed class MemoryOptions
{
    public const string SectionName = "OutageAlerts:Memory";

    /// <summary>
    /// Often enough that a burst's memory goes back within seconds of its end; each check reads three figures the
    /// runtime keeps anyway.
    /// </summary>
    public static readonly TimeSpan DefaultCheckInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A trim is one blocking, compacting collection of the whole heap (tens of milliseconds for the ~30 MB a
    /// service with 10,000 open incidents keeps live); at most one a minute costs well under 0.1 % of a core.
    /// </summary>
    public static readonly TimeSpan DefaultMinimumTrimInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Quiet: polling 1,000 feeds allocates under 1 MiB/s, an alert ~116 KiB, so 2 MiB/s is fewer than ~17 alerts a
    /// second. Above it the service is working, and the collector's own budget is what it needs next.
    /// </summary>
    public const long DefaultQuietAllocationBytesPerSecond = 2L * 1024 * 1024;

    /// <summary>
    /// Committed beyond the live heap before a trim is worth its pause. A quiet service's young generation needs a
    /// few megabytes; a burst leaves tens (40 MB with 10,000 open incidents, issue 10).
    /// </summary>
    public const long DefaultTrimThresholdBytes = 16L * 1024 * 1024;

    public static readonly TimeSpan MaximumInterval = TimeSpan.FromHours(1);

    /// <summary>Whether memory the garbage collector keeps committed after a burst is given back once the service is quiet.</summary>
    public bool TrimWhenQuiet { get; set; } = true;

    /// <summary>How often the allocation rate and the committed memory are checked.</summary>
    public TimeSpan CheckInterval { get; set; } = DefaultCheckInterval;

    /// <summary>The least time between two trims.</summary>
    public TimeSpan MinimumTrimInterval { get; set; } = DefaultMinimumTrimInterval;

    /// <summary>Allocation rate over the last check interval at or below which the service counts as quiet.</summary>
    public long QuietAllocationBytesPerSecond { get; set; } = DefaultQuietAllocationBytesPerSecond;

    /// <summary>Memory committed beyond the heap's size at the last collection above which a quiet service is trimmed.</summary>
    public long TrimThresholdBytes { get; set; } = DefaultTrimThresholdBytes;
}
