namespace OutageAlerts.Delivery.Subscriptions;

/// <summary>
/// Every subscription routing and the channels may use: those from configuration and those created through the
/// admin API. Routing and delivery look subscriptions up here, never in the options directly.
/// </summary>
public interface ISubscriptionDirectory
{
    /// <summary>All subscriptions, configured ones first in configuration order.</summary>
    ValueTask<IReadOnlyList<Subscription>> ListAsync(CancellationToken cancellationToken);

    ValueTask<Subscription?> FindAsync(string id, CancellationToken cancellationToken);
}
