using Microsoft.Extensions.Options;

namespace OutageAlerts.Delivery.Subscriptions;

/// <summary>The subscriptions of <c>OutageAlerts:Subscriptions</c> only, reloaded when the configuration changes.</summary>
internal sealed class ConfiguredSubscriptionDirectory(IOptionsMonitor<SubscriptionsOptions> options) : ISubscriptionDirectory
{
    public ValueTask<IReadOnlyList<Subscription>> ListAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<Subscription>>(options.CurrentValue.Items);

    public ValueTask<Subscription?> FindAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult(options.CurrentValue.Find(id));
}
