namespace OutageAlerts.Delivery.Subscriptions;

/// <summary>All subscriptions, in configuration order, bound from <c>OutageAlerts:Subscriptions</c>.</summary>
public sealed class SubscriptionsOptions
{
    public const string SectionName = "OutageAlerts:Subscriptions";

    public List<Subscription> Items { get; set; } = [];

    public Subscription? Find(string id) => Items.Find(s => string.Equals(s.Id, id, StringComparison.Ordinal));
}
