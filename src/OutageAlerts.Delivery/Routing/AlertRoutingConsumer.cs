using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Digests;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Pull;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Routing;

/// <summary>
/// Matches each alert event against the subscriptions and sends one delivery message per match to the
/// channel's queue. New alerts go to matching subscriptions; updates also go to whoever received an earlier
/// version (so a downgrade is heard by those who got the original); cancellations only to those. Then the
/// <see cref="RoutingPolicy"/> decides per subscription (silences, digest, quiet hours, recipient cap), and a
/// recipient that several subscriptions share gets the alert version once.
/// </summary>
internal sealed partial class AlertRoutingConsumer(
    ISubscriptionDirectory subscriptions,
    Silences.Silences silences,
    DeliveryLog log,
    AlertArchive archive,
    DeliveryRetries retries,
    DigestSchedule digests,
    CurrentAlerts currentAlerts,
    IOptionsMonitor<DeliveryOptions> options,
    TimeProvider time,
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

        var ct = context.CancellationToken;
        // Pull consumers get every alert, whether or not anyone subscribed to it: recorded with the first routed row
        // (one write fewer per alert, issue 10), or on its own below when no row is routed.
        var current = currentAlerts.RecordWrite(kind, alert, reason);
        var currentRecorded = false;
        var all = await subscriptions.ListAsync(ct);
        IReadOnlySet<string> earlier = kind == AlertEventKind.Raised || all.Count == 0
            ? new HashSet<string>()
            : await log.RecipientsOfAsync(alert.AlertId, ct);
        var matches = all
            .Where(s => s.Channel is not null)
            .Where(s => kind switch
            {
                AlertEventKind.Raised => SubscriptionMatcher.Matches(s, alert),
                AlertEventKind.Updated => SubscriptionMatcher.Matches(s, alert) || earlier.Contains(s.Id),
                _ => earlier.Contains(s.Id),
            })
            .ToList();

        var counts = new Counts();
        if (matches.Count > 0)
        {
            var plan = await PlanAsync(kind, alert, matches, ct);
            var archived = false;
            foreach (var (subscription, decision) in plan)
            {
                var channel = subscription.Channel!.Value;
                var key = new DeliveryKey(alert.AlertId, alert.Version, subscription.Id);
                var recipient = DeliveryDispatcher.Recipient(subscription);
                if (decision.Action == RoutingAction.Suppress)
                {
                    await log.RecordSuppressedAsync(key, channel, recipient, kind, decision.Reason ?? "suppressed", ct);
                    LogSuppressed(alert.AlertId, alert.Version, subscription.Id, decision.Reason);
                    counts.Suppressed++;
                    continue;
                }

                if (decision.Action != RoutingAction.Send && !archived)
                {
                    // What waits in the store is rebuilt from the archive when it falls due.
                    await archive.StoreAsync(Rebuild(channel, kind, alert, subscription.Id, reason), ct);
                    archived = true;
                }

                // Logged before it is sent: an update routed while this one still waits in its queue must find it.
                await log.RecordRoutedAsync(key, channel, recipient, kind, ct, currentRecorded ? null : current);
                currentRecorded = true;
                switch (decision.Action)
                {
                    case RoutingAction.Defer:
                        await retries.ScheduleAsync(key, channel, decision.At!.Value, ct);
                        LogDeferred(alert.AlertId, alert.Version, subscription.Id, decision.Reason);
                        counts.Deferred++;
                        break;
                    case RoutingAction.Digest:
                        await digests.AddAsync(new DigestEntry(subscription.Id, alert.AlertId, alert.Version, decision.At!.Value), ct);
                        counts.Digest++;
                        break;
                    default:
                        var message = Rebuild(channel, kind, alert, subscription.Id, reason);
                        var endpoint = await context.GetSendEndpoint(Address(channel));
                        await endpoint.Send(message, message.GetType(), ct);
                        counts.Sent++;
                        break;
                }

                DeliveryTelemetry.Routed.Add(
                    1,
                    new KeyValuePair<string, object?>("event", kind.ToString().ToLowerInvariant()),
                    new KeyValuePair<string, object?>("channel", channel.ToString().ToLowerInvariant()),
                    new KeyValuePair<string, object?>("action", decision.Action.ToString().ToLowerInvariant()));
            }
        }

        if (!currentRecorded)
        {
            await currentAlerts.CommitAsync(current, ct);
        }

        activity?.SetTag("outagealerts.delivery.matches", matches.Count);
        activity?.SetTag("outagealerts.delivery.sent", counts.Sent);
        activity?.SetTag("outagealerts.delivery.suppressed", counts.Suppressed);
        LogRouted(kind, alert.AlertId, alert.Version, alert.Severity, matches.Count, all.Count, counts.Sent, counts.Deferred, counts.Digest, counts.Suppressed);
    }

    /// <summary>
    /// The decision per matching subscription, in configuration order. A recipient (same channel and address, and
    /// for webhooks the same format) takes the first subscription that will deliver to it; the others are
    /// suppressed, so one person with three overlapping subscriptions gets one email.
    /// </summary>
    private async Task<List<(Subscription Subscription, RoutingDecision Decision)>> PlanAsync(
        AlertEventKind kind, Alert alert, List<Subscription> matches, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var caps = options.CurrentValue.RecipientCaps;
        var active = await silences.ListActiveAsync(ct);
        var capped = alert.Severity != Severity.Extreme && kind != AlertEventKind.Cancelled
            && matches.Any(s => (s.MaxPerHour ?? RoutingPolicy.CapFor(s.Channel, caps)) > 0);
        var recent = capped
            ? await log.CountRoutedSinceAsync(now - RoutingPolicy.CapWindow, ct)
            : new Dictionary<(DeliveryChannel, string), int>();
        var routedNow = new Dictionary<(DeliveryChannel, string), int>();
        var takenBy = new Dictionary<string, string>(StringComparer.Ordinal);
        var plan = new List<(Subscription, RoutingDecision)>(matches.Count);
        foreach (var subscription in matches)
        {
            var channel = subscription.Channel!.Value;
            var recipient = DeliveryDispatcher.Recipient(subscription);
            var countKey = (channel, recipient);
            var already = recent.GetValueOrDefault(countKey) + routedNow.GetValueOrDefault(countKey);
            var decision = RoutingPolicy.Decide(subscription, alert, kind, now, active, already, caps);
            if (decision.Action != RoutingAction.Suppress)
            {
                var identity = RecipientIdentity(subscription, recipient);
                if (takenBy.TryGetValue(identity, out var first))
                {
                    decision = new RoutingDecision(RoutingAction.Suppress, Reason: $"same recipient as subscription {first}, which delivers it");
                }
                else
                {
                    takenBy[identity] = subscription.Id;
                    routedNow[countKey] = routedNow.GetValueOrDefault(countKey) + 1;
                }
            }

            plan.Add((subscription, decision));
        }

        return plan;
    }

    private static string RecipientIdentity(Subscription subscription, string recipient) => subscription.Channel switch
    {
        DeliveryChannel.Email => $"email:{recipient.ToUpperInvariant()}",
        DeliveryChannel.Sms => $"sms:{recipient}",
        _ => $"webhook:{subscription.Format}:{subscription.Target}",
    };

    private static Uri Address(DeliveryChannel channel) => channel switch
    {
        DeliveryChannel.Email => DeliveryQueues.EmailAddress,
        DeliveryChannel.Sms => DeliveryQueues.SmsAddress,
        _ => DeliveryQueues.WebhookAddress,
    };

    private static IAlertDelivery Rebuild(DeliveryChannel channel, AlertEventKind kind, Alert alert, string subscriptionId, string? reason) =>
        channel switch
        {
            DeliveryChannel.Email => new EmailDelivery(kind, alert, subscriptionId, reason),
            DeliveryChannel.Sms => new SmsDelivery(kind, alert, subscriptionId, reason),
            _ => new WebhookDelivery(kind, alert, subscriptionId, reason),
        };

    private sealed class Counts
    {
        public int Sent { get; set; }

        public int Deferred { get; set; }

        public int Digest { get; set; }

        public int Suppressed { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Routed {Kind} alert {AlertId} v{Version} ({Severity}): {Matches} of {Subscriptions} subscriptions match; {Sent} sent, {Deferred} deferred, {Digest} to digests, {Suppressed} suppressed")]
    private partial void LogRouted(
        AlertEventKind kind, string alertId, int version, Severity severity, int matches, int subscriptions, int sent, int deferred, int digest, int suppressed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} v{Version} is not sent to subscription {SubscriptionId}: {Reason}")]
    private partial void LogSuppressed(string alertId, int version, string subscriptionId, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} v{Version} for subscription {SubscriptionId} waits: {Reason}")]
    private partial void LogDeferred(string alertId, int version, string subscriptionId, string? reason);
}
