namespace OutageAlerts.Host.Memory;

/// <summary>What the garbage collector reports, read at one moment.</summary>
/// <param name="AllocatedBytes">Bytes allocated since the process started.</param>
/// <param name="CommittedBytes">Memory the collector held committed at its last collection.</param>
/// <param name="HeapSizeBytes">The heap's size after its last collection: what was live, with its fragmentation.</param>
/// <param name="Collections">Collections of the youngest generation so far (every collection counts there).</param>
internal readonly record struct ManagedHeapSample(long AllocatedBytes, long CommittedBytes, long HeapSizeBytes, int Collections)
{
    /// <summary>Committed memory the heap did not use at the last collection: what a trim can give back.</summary>
    public long SpareBytes => Math.Max(0, CommittedBytes - HeapSizeBytes);
}

/// <summary>The garbage collector as <see cref="IdleMemoryTrimmer"/> sees it; the runtime's own outside tests.</summary>
internal interface IManagedHeap
{
    ManagedHeapSample Sample();

    /// <summary>A blocking, compacting collection of every generation that gives back all memory it can.</summary>
    void CollectAggressively();
}

internal sealed class RuntimeManagedHeap : IManagedHeap
{
    public ManagedHeapSample Sample()
    {
        var last = GC.GetGCMemoryInfo(GCKind.Any);
        return new ManagedHeapSample(
            GC.GetTotalAllocatedBytes(precise: false),
            last.TotalCommittedBytes,
            last.HeapSizeBytes,
            GC.CollectionCount(0));
    }

    // Aggressive is the mode made for this: besides compacting, the collector decommits its free regions and the
    // young generation's budget, which a forced collection leaves committed (with RetainVM, as this service runs).
    public void CollectAggressively() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
