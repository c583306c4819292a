using OutageAlerts.Contracts;

namespace OutageAlerts.Delivery.Routing;

// These travel between the routing queue and the channel queues of the delivery role only. They carry the
// subscription id, never its target or secret: the channel side looks those up in its own configuration.

/// <summary>Which alert event a delivery carries; it becomes the webhook <c>type</c>.</summary>
public enum AlertEventKind
{
    Raised,
    Updated,
    Cancelled,
}

/// <summary>One alert version for one subscription, whatever the channel.</summary>
public interface IAlertDelivery
{
    AlertEventKind Kind { get; }

    Alert Alert { get; }

    string SubscriptionId { get; }

    /// <summary>Why an operator withdrew the alert; only for <see cref="AlertEventKind.Cancelled"/>.</summary>
    string? CancelReason { get; }
}

public sealed record WebhookDelivery(AlertEventKind Kind, Alert Alert, string SubscriptionId, string? CancelReason = null)
    : IAlertDelivery;

public sealed record EmailDelivery(AlertEventKind Kind, Alert Alert, string SubscriptionId, string? CancelReason = null)
    : IAlertDelivery;

public sealed record SmsDelivery(AlertEventKind Kind, Alert Alert, string SubscriptionId, string? CancelReason = null)
    : IAlertDelivery;
