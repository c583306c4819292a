namespace OutageAlerts.Delivery.Subscriptions;

/// <summary>
/// Keeps what was last read from the store for a short time, so that routing does not query it for every message.
/// Writes in this process call <see cref="Invalidate"/>; other processes' writes show once the snapshot expires.
/// </summary>
internal sealed class StoreSnapshotCache<T>(Func<CancellationToken, Task<T>> load, TimeProvider time, Func<TimeSpan> duration)
    where T : class
{
    private Entry? _entry;
    private long _generation;

    public async ValueTask<T> GetAsync(CancellationToken cancellationToken)
    {
        var entry = Volatile.Read(ref _entry);
        if (entry is not null && time.GetUtcNow() < entry.ExpiresAt)
        {
            return entry.Value;
        }

        // Concurrent misses may each read the store; that is rarer and cheaper than serialising every reader.
        var generation = Interlocked.Read(ref _generation);
        var readAt = time.GetUtcNow();
        var value = await load(cancellationToken);
        // A write that happened while this read ran may not be in it: keep it only if nothing was written since.
        var fresh = new Entry(value, readAt + duration());
        if (Interlocked.Read(ref _generation) == generation)
        {
            Interlocked.CompareExchange(ref _entry, fresh, entry);
        }

        return value;
    }

    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        Volatile.Write(ref _entry, null);
    }

    private sealed record Entry(T Value, DateTimeOffset ExpiresAt);
}
