using Microsoft.Extensions.Options;

namespace OutageAlerts.Delivery.Subscriptions;

/// <summary>
/// The subscriptions of <c>OutageAlerts:Subscriptions</c> (reloaded when the configuration changes) followed by
/// those created through the admin API. A configured id always wins: a stored subscription whose id configuration
/// took later is left out until configuration lets go of it.
/// </summary>
public sealed class SubscriptionDirectory(IOptionsMonitor<SubscriptionsOptions> configured, StoredSubscriptions stored) : ISubscriptionDirectory
{
    public async ValueTask<IReadOnlyList<Subscription>> ListAsync(CancellationToken cancellationToken)
    {
        var fromConfiguration = configured.CurrentValue.Items;
        var fromApi = await stored.ListCachedAsync(cancellationToken);
        if (fromApi.Count == 0)
        {
            return fromConfiguration;
        }

        var taken = fromConfiguration.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        return [.. fromConfiguration, .. fromApi.Where(s => !taken.Contains(s.Id))];
    }

    public async ValueTask<Subscription?> FindAsync(string id, CancellationToken cancellationToken) =>
        configured.CurrentValue.Find(id) ?? await stored.FindCachedAsync(id, cancellationToken);
}
