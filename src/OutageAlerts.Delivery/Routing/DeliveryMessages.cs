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

/// <summary>
/// The webhook deliveries routing decided for one batch of alerts, in one message (issue 10): a broker hop and its
/// consumer pipeline per batch instead of per delivery. A single <see cref="WebhookDelivery"/> is still accepted on
/// the queue (sent by an earlier version during a rolling upgrade, or by hand).
/// </summary>
public sealed record WebhookDeliveries(IReadOnlyList<WebhookDeliveryEntry> Entries);

/// <summary>
/// One delivery of a <see cref="WebhookDeliveries"/> batch, with the W3C trace context of the span that routed it, so
/// the delivery attempt stays in the alert's own trace although the batch mixes alerts of many traces.
/// </summary>
public sealed record WebhookDeliveryEntry(WebhookDelivery Delivery, string? TraceParent);

public sealed record EmailDelivery(AlertEventKind Kind, Alert Alert, string SubscriptionId, string? CancelReason = null)
    : IAlertDelivery;

public sealed record SmsDelivery(AlertEventKind Kind, Alert Alert, string SubscriptionId, string? CancelReason = null)
    : IAlertDelivery;
