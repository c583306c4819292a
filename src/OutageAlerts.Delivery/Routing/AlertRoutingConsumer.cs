using System.Diagnostics;
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
/// Matches each alert event against the subscriptions and sends one delivery per match to the channel's queue. New
/// alerts go to matching subscriptions; updates also go to whoever received an earlier version (so a downgrade is
/// heard by those who got the original); cancellations only to those. Then the <see cref="RoutingPolicy"/> decides
/// per subscription (silences, digest, quiet hours, recipient cap), and a recipient that several subscriptions share
/// gets the alert version once.
/// </summary>
/// <remarks>
/// Alerts arrive in batches (<see cref="DeliveryOptions.RoutingBatchSize"/>, <see cref="DeliveryOptions.RoutingBatchWait"/>)
/// and are routed one after another; the batch's webhook deliveries then leave together in one
/// <see cref="WebhookDeliveryBatch"/> message (issue 10: a broker hop per batch instead of per delivery), each alert in
/// it once, as the JSON serialised for the current alerts. Email and SMS
/// keep one message per delivery: their retries run per message, and they are few. The sends are held until the whole
/// batch is routed, so a failed batch sends nothing; each of its alerts is then retried on its own.
/// </remarks>
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
    : IConsumer<Batch<AlertRaised>>, IConsumer<Batch<AlertUpdated>>, IConsumer<Batch<AlertCancelled>>
{
    /// <summary>A cap on one message's size when many webhook subscriptions match a batch: recipients per message.</summary>
    internal const int MaxWebhookEntriesPerMessage = 64;

    /// <summary>The header MassTransit carries the sender's span in (W3C <c>traceparent</c> format).</summary>
    private const string ActivityIdHeader = "MT-Activity-Id";

    public Task Consume(ConsumeContext<Batch<AlertRaised>> context) =>
        RouteBatchAsync(context, context.Message.Select(m => new Routed(m, AlertEventKind.Raised, m.Message.Alert, null)));

    public Task Consume(ConsumeContext<Batch<AlertUpdated>> context) =>
        RouteBatchAsync(context, context.Message.Select(m => new Routed(m, AlertEventKind.Updated, m.Message.Alert, null)));

    public Task Consume(ConsumeContext<Batch<AlertCancelled>> context) =>
        RouteBatchAsync(context, context.Message.Select(m => new Routed(m, AlertEventKind.Cancelled, m.Message.Alert, m.Message.Reason)));

    private async Task RouteBatchAsync(ConsumeContext context, IEnumerable<Routed> batch)
    {
        // The batch's alerts are routed side by side, so that their store writes share the writer's commits instead
        // of each waiting for one of its own; versions of one alert stay in order.
        var routed = batch.ToList();
        var perAlert = await Task.WhenAll(routed
            .GroupBy(r => r.Alert.AlertId, StringComparer.Ordinal)
            .Select(versions => RouteInOrderAsync(context, versions)));
        DeliveryTelemetry.RoutingBatchSize.Record(routed.Count);

        var webhooks = perAlert.SelectMany(w => w).ToList();
        if (webhooks.Count > 0)
        {
            var endpoint = await context.GetSendEndpoint(DeliveryQueues.WebhookAddress);
            foreach (var chunk in webhooks.Chunk(MaxWebhookEntriesPerMessage))
            {
                await endpoint.Send(Batch(chunk), context.CancellationToken);
            }
        }
    }

    /// <summary>A chunk's deliveries with each alert event once (its deliveries are next to each other).</summary>
    internal static WebhookDeliveryBatch Batch(IReadOnlyList<RoutedWebhook> chunk)
    {
        var alerts = new List<AlertWebhooks>();
        for (var start = 0; start < chunk.Count;)
        {
            var end = start + 1;
            while (end < chunk.Count && ReferenceEquals(chunk[end].Alert, chunk[start].Alert) && chunk[end].Kind == chunk[start].Kind)
            {
                end++;
            }

            var first = chunk[start];
            var recipients = new WebhookRecipient[end - start];
            for (var i = start; i < end; i++)
            {
                recipients[i - start] = new WebhookRecipient(chunk[i].SubscriptionId, chunk[i].TraceParent);
            }

            alerts.Add(new AlertWebhooks(first.Kind, first.Alert, first.Reason, recipients));
            start = end;
        }

        return new WebhookDeliveryBatch(alerts);
    }

    private async Task<List<RoutedWebhook>> RouteInOrderAsync(ConsumeContext context, IEnumerable<Routed> versions)
    {
        var webhooks = new List<RoutedWebhook>();
        foreach (var routed in versions.OrderBy(r => r.Alert.Version))
        {
            await RouteAsync(context, routed, webhooks);
        }

        return webhooks;
    }

    /// <summary>
    /// Routes one alert event. Email and SMS deliveries are sent from here, under its span; webhook deliveries are added
    /// to <paramref name="webhooks"/>, to leave with the rest of the batch's.
    /// </summary>
    private async Task RouteAsync(ConsumeContext context, Routed routed, List<RoutedWebhook> webhooks)
    {
        var (message, kind, alert, reason) = routed;
        using var activity = StartRouteActivity(message);
        activity?.SetTag("outagealerts.alert.id", alert.AlertId);
        activity?.SetTag("outagealerts.alert.version", alert.Version);
        activity?.SetTag("outagealerts.alert.event", kind.ToString());
        activity?.SetTag("outagealerts.alert.severity", alert.Severity.ToString());

        var ct = context.CancellationToken;
        // Pull consumers get every alert, whether or not anyone subscribed to it: recorded with the first routed row
        // (one write fewer per alert, issue 10), or on its own below when no row is routed.
        // Serialised once, for the current alerts and for every webhook delivery of this version.
        var payload = AlertPayload.From(alert);
        var current = currentAlerts.RecordWrite(kind, payload, reason);
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
                        if (channel == DeliveryChannel.Webhook)
                        {
                            // Sent with the batch's, carrying this span to deliver it under.
                            webhooks.Add(new RoutedWebhook(kind, payload, reason, subscription.Id, activity?.Id));
                        }
                        else
                        {
                            var delivery = Rebuild(channel, kind, alert, subscription.Id, reason);
                            var endpoint = await context.GetSendEndpoint(Address(delivery));
                            await endpoint.Send(delivery, delivery.GetType(), ct);
                        }

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

    private static Uri Address(IAlertDelivery delivery) => delivery switch
    {
        EmailDelivery => DeliveryQueues.EmailAddress,
        SmsDelivery => DeliveryQueues.SmsAddress,
        _ => DeliveryQueues.WebhookAddress,
    };

    private static IAlertDelivery Rebuild(DeliveryChannel channel, AlertEventKind kind, Alert alert, string subscriptionId, string? reason) =>
        channel switch
        {
            DeliveryChannel.Email => new EmailDelivery(kind, alert, subscriptionId, reason),
            DeliveryChannel.Sms => new SmsDelivery(kind, alert, subscriptionId, reason),
            _ => new WebhookDelivery(kind, alert, subscriptionId, reason),
        };

    /// <summary>
    /// The span of one alert's routing, in the alert's own trace: under the current span when that descends from the
    /// message's receive span (a batch of one), otherwise under the publisher's span the message carries, linked to
    /// the batch's span.
    /// </summary>
    private static Activity? StartRouteActivity(ConsumeContext message)
    {
        var current = Activity.Current;
        if (message.Headers.Get<string>(ActivityIdHeader) is not { } header
            || !ActivityContext.TryParse(header, null, isRemote: true, out var sender)
            || DescendsFrom(current, sender))
        {
            return DeliveryTelemetry.Source.StartActivity("route alert");
        }

        ActivityLink[]? links = current is null ? null : [new ActivityLink(current.Context)];
        return DeliveryTelemetry.Source.StartActivity("route alert", ActivityKind.Internal, sender, links: links);
    }

    private static bool DescendsFrom(Activity? activity, ActivityContext sender)
    {
        for (var a = activity; a is not null; a = a.Parent)
        {
            if (a.TraceId == sender.TraceId && a.ParentSpanId == sender.SpanId)
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Routed(ConsumeContext Message, AlertEventKind Kind, Alert Alert, string? Reason);

    /// <summary>A webhook delivery routing decided, waiting to leave with its batch's.</summary>
    internal sealed record RoutedWebhook(AlertEventKind Kind, AlertPayload Alert, string? Reason, string SubscriptionId, string? TraceParent);

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
