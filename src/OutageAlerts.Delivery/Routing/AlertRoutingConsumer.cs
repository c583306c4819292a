using MassTransit;
using Microsoft.Extensions.Logging;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Routing;

/// <summary>
/// Matches each alert event against the subscriptions and sends one delivery message per match to the
/// channel's queue. New alerts go to matching subscriptions; updates also go to whoever received an earlier
/// version (so a downgrade is heard by those who got the original); cancellations only to those.
/// </summary>
internal sealed partial class AlertRoutingConsumer(
    ISubscriptionDirectory subscriptions,
    DeliveryLog log,
    ILogger<AlertRoutingConsumer> logger)
    : IConsumer<AlertRaised>, IConsumer<AlertUpdated>, IConsumer<AlertCancelled>
{
    public Task Consume(ConsumeContext<AlertRaised> context) =>
        RouteAsync(context, AlertEventKind.Raised, context.Message.Alert, null);

    public Task Consume(ConsumeContext<AlertUpdated> context) =>
        RouteAsync(context, AlertEventKind.Updated, context.Message.Alert, null);

    public Task Consume(ConsumeContext<AlertCancelled> context) =>
        RouteAsync(context, AlertEventKind.Cancelled, context.Message.Alert, context.Message.Reason);

    private async Task RouteAsync(ConsumeContext context, AlertEventKind kind, Alert alert, string? reason)
    {
        using var activity = DeliveryTelemetry.Source.StartActivity("route alert");
        activity?.SetTag("outagealerts.alert.id", alert.AlertId);
        activity?.SetTag("outagealerts.alert.version", alert.Version);
        activity?.SetTag("outagealerts.alert.event", kind.ToString());
        activity?.SetTag("outagealerts.alert.severity", alert.Severity.ToString());

        var all = await subscriptions.ListAsync(context.CancellationToken);
        IReadOnlySet<string> earlier = kind == AlertEventKind.Raised || all.Count == 0
            ? new HashSet<string>()
            : await log.RecipientsOfAsync(alert.AlertId, context.CancellationToken);
        var matches = all
            .Where(s => s.Channel is not null)
            .Where(s => kind switch
            {
                AlertEventKind.Raised => SubscriptionMatcher.Matches(s, alert),
                AlertEventKind.Updated => SubscriptionMatcher.Matches(s, alert) || earlier.Contains(s.Id),
                _ => earlier.Contains(s.Id),
            })
            .ToList();

        foreach (var subscription in matches)
        {
            var channel = subscription.Channel!.Value;
            var (address, message) = channel switch
            {
                DeliveryChannel.Email => (DeliveryQueues.EmailAddress, (object)new EmailDelivery(kind, alert, subscription.Id, reason)),
                DeliveryChannel.Sms => (DeliveryQueues.SmsAddress, new SmsDelivery(kind, alert, subscription.Id, reason)),
                _ => (DeliveryQueues.WebhookAddress, new WebhookDelivery(kind, alert, subscription.Id, reason)),
            };
            // Logged before it is sent: an update routed while this one still waits in its queue must find it.
            await log.RecordRoutedAsync(
                new DeliveryKey(alert.AlertId, alert.Version, subscription.Id), channel, DeliveryDispatcher.Recipient(subscription), kind, context.CancellationToken);
            var endpoint = await context.GetSendEndpoint(address);
            await endpoint.Send(message, message.GetType(), context.CancellationToken);
            DeliveryTelemetry.Routed.Add(
                1,
                new KeyValuePair<string, object?>("event", kind.ToString().ToLowerInvariant()),
                new KeyValuePair<string, object?>("channel", channel.ToString().ToLowerInvariant()));
        }

        activity?.SetTag("outagealerts.delivery.matches", matches.Count);
        LogRouted(kind, alert.AlertId, alert.Version, alert.Severity, matches.Count, all.Count);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Routed {Kind} alert {AlertId} v{Version} ({Severity}) to {Matches} of {Subscriptions} subscriptions")]
    private partial void LogRouted(AlertEventKind kind, string alertId, int version, Severity severity, int matches, int subscriptions);
}
