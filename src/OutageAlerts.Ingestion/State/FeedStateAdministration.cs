namespace OutageAlerts.Ingestion.State;

/// <summary>
/// What operators see and may do about feed health: every feed's status with its reason, and resuming a feed that
/// is paused, backing off or disabled. Registered by <c>AddIngestion</c> and by <c>AddFeedStateAdministration</c>.
/// </summary>
public sealed class FeedStateAdministration
{
    private readonly IngestionStore _store;

    internal FeedStateAdministration(IngestionStore store) => _store = store;

    public Task<IReadOnlyList<FeedState>> ListAsync(CancellationToken cancellationToken) => _store.ListFeedsAsync(cancellationToken);

    /// <summary>Puts the feed back on its schedule from its next trigger; false when it was never polled.</summary>
    public Task<bool> ResumeAsync(string feed, CancellationToken cancellationToken) =>
        _store.ResumeFeedAsync(feed, "resumed by an operator", cancellationToken);
}
