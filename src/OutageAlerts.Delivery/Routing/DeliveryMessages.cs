using System.Text.Json;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Webhooks;

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

    /// <summary>The alert's fields every delivery reads; a delivery that carries the alert as JSON reads no more.</summary>
    AlertHead Head => AlertHead.Of(Alert);

    /// <summary>
    /// The alert as JSON in <see cref="WebhookPayload"/>'s layout: a webhook body's <c>data</c> and the archive's payload.
    /// </summary>
    ReadOnlyMemory<byte> AlertJson => JsonSerializer.SerializeToUtf8Bytes(Alert, WebhookPayload.SerializerOptions);
}

public sealed record WebhookDelivery(AlertEventKind Kind, Alert Alert, string SubscriptionId, string? CancelReason = null)
    : IAlertDelivery;

/// <summary>
/// The webhook deliveries routing decided for one batch of alerts, in one message (issue 10): a broker hop and its
/// consumer pipeline per batch instead of per delivery. Since <see cref="WebhookDeliveryBatch"/> routing no longer sends
/// it; it is still accepted on the queue (sent by an earlier version during a rolling upgrade), as is a single
/// <see cref="WebhookDelivery"/> (the same, or sent by hand).
/// </summary>
public sealed record WebhookDeliveries(IReadOnlyList<WebhookDeliveryEntry> Entries);

/// <summary>
/// The webhook deliveries routing decided for one batch of alerts, in one message, each alert once with the
/// subscriptions it goes to, as the JSON routing serialised (issue 10: <see cref="WebhookDeliveries"/> carried a copy of
/// the alert per subscription, and the delivery side read each back into objects only to serialise it again).
/// </summary>
public sealed record WebhookDeliveryBatch(IReadOnlyList<AlertWebhooks> Alerts);

/// <summary>One alert event of a <see cref="WebhookDeliveryBatch"/> and the webhook subscriptions it goes to.</summary>
public sealed record AlertWebhooks(AlertEventKind Kind, AlertPayload Alert, string? CancelReason, IReadOnlyList<WebhookRecipient> Recipients);

/// <summary>
/// A subscription an <see cref="AlertWebhooks"/> goes to, with the W3C trace context of the span that routed it, so the
/// delivery attempt stays in the alert's own trace although the batch mixes alerts of many traces.
/// </summary>
public sealed record WebhookRecipient(string SubscriptionId, string? TraceParent);

/// <summary>One recipient's delivery of an <see cref="AlertWebhooks"/>: the alert stays the JSON routing wrote.</summary>
public sealed class BatchedWebhookDelivery(AlertWebhooks alert, string subscriptionId) : IAlertDelivery
{
    public AlertEventKind Kind => alert.Kind;

    public Alert Alert => alert.Alert.Alert;

    public string SubscriptionId => subscriptionId;

    public string? CancelReason => alert.CancelReason;

    public AlertHead Head => alert.Alert.Head;

    public ReadOnlyMemory<byte> AlertJson => alert.Alert.Json;
}

/// <summary>
/// One delivery of a <see cref="WebhookDeliveries"/> batch, with the W3C trace context of the span that routed it, so
/// the delivery attempt stays in the alert's own trace although the batch mixes alerts of many traces.
/// </summary>
public sealed record WebhookDeliveryEntry(WebhookDelivery Delivery, string? TraceParent);

public sealed record EmailDelivery(AlertEventKind Kind, Alert Alert, string SubscriptionId, string? CancelReason = null)
    : IAlertDelivery;

public sealed record SmsDelivery(AlertEventKind Kind, Alert Alert, string SubscriptionId, string? CancelReason = null)
    : IAlertDelivery;
