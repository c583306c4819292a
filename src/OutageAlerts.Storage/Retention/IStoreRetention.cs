namespace OutageAlerts.Storage.Retention;

/// <summary>
/// One area's expired data (its own tables): registered with
/// <see cref="RetentionServiceCollectionExtensions.AddRetentionOf{TRetention}"/>, called by the retention loop.
/// </summary>
public interface IStoreRetention
{
    /// <summary>Names the area in logs and metrics (<c>ingestion</c>, <c>incidents</c>, <c>delivery</c>).</summary>
    string Area { get; }

    /// <summary>
    /// Deletes at most <paramref name="limit"/> rows per table that expired before <paramref name="cutoff"/>, in one
    /// write, and returns how many rows it deleted; called again until it returns 0.
    /// </summary>
    Task<int> PurgeAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken);
}
