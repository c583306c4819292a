using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Delivery.Wording;

namespace OutageAlerts.Delivery.Dispatch;

/// <summary>
/// What every channel consumer does around its sender: look the subscription up, skip what was already
/// delivered, record the attempt in the delivery log, count it, and decide between retry and failure.
/// </summary>
public sealed partial class DeliveryDispatcher
{
    private readonly Dictionary<DeliveryChannel, IChannelSender> _senders;
    private readonly DeliveryLog _log;
    private readonly IOptionsMonitor<SubscriptionsOptions> _subscriptions;
    private readonly TimeProvider _time;
    private readonly ILogger<DeliveryDispatcher> _logger;

    public DeliveryDispatcher(
        IEnumerable<IChannelSender> senders,
        DeliveryLog log,
        IOptionsMonitor<SubscriptionsOptions> subscriptions,
        TimeProvider time,
        ILogger<DeliveryDispatcher> logger)
    {
        _senders = senders.ToDictionary(s => s.Channel);
        _log = log;
        _subscriptions = subscriptions;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Delivers once. A transient failure throws <see cref="TransientDeliveryException"/> so the consumer's retry
    /// policy runs again; on the <paramref name="lastAttempt"/> it is logged as failed first.
    /// </summary>
    public async Task<DeliveryOutcome?> DeliverAsync(
        IAlertDelivery delivery, DeliveryChannel channel, int attempt, bool lastAttempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var alert = delivery.Alert;
        using var activity = DeliveryTelemetry.Source.StartActivity($"deliver {channel.ToString().ToLowerInvariant()}");
        activity?.SetTag("outagealerts.alert.id", alert.AlertId);
        activity?.SetTag("outagealerts.alert.version", alert.Version);
        activity?.SetTag("outagealerts.subscription.id", delivery.SubscriptionId);
        activity?.SetTag("outagealerts.delivery.channel", channel.ToString());
        activity?.SetTag("outagealerts.delivery.attempt", attempt + 1);

        var subscription = _subscriptions.CurrentValue.Find(delivery.SubscriptionId);
        if (subscription is null || subscription.Channel != channel)
        {
            // The configuration changed between routing and delivery; the subscription no longer wants this.
            LogSubscriptionGone(delivery.SubscriptionId, channel, alert.AlertId, alert.Version);
            Count(channel, "dropped", activity);
            return null;
        }

        var key = new DeliveryKey(alert.AlertId, alert.Version, subscription.Id);
        var recipient = Recipient(subscription);
        var masked = Masked(subscription);
        if (!await _log.TryBeginAttemptAsync(key, channel, recipient, delivery.Kind, cancellationToken))
        {
            LogAlreadyDelivered(alert.AlertId, alert.Version, subscription.Id, channel);
            Count(channel, "skipped", activity);
            return DeliveryOutcome.Delivered;
        }

        var sender = _senders[channel];
        DeliveryResult result;
        try
        {
            result = await sender.SendAsync(delivery, subscription, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A sender that throws has hit something it did not foresee; retrying is the safer reading.
            result = DeliveryResult.Transient($"{ex.GetType().Name}: {ex.Message}");
        }

        switch (result.Outcome)
        {
            case DeliveryOutcome.Delivered:
                await _log.MarkDeliveredAsync(key, CancellationToken.None);
                LogDelivered(alert.AlertId, alert.Version, subscription.Id, channel, masked, attempt + 1);
                Count(channel, "delivered", activity);
                if (alert.FirstSeen is { } firstSeen)
                {
                    DeliveryTelemetry.Latency.Record(
                        (_time.GetUtcNow() - firstSeen).TotalMilliseconds,
                        new KeyValuePair<string, object?>("channel", ChannelTag(channel)));
                }

                return DeliveryOutcome.Delivered;

            case DeliveryOutcome.Permanent:
                await _log.MarkAttemptFailedAsync(key, result.Error ?? "failed", final: true, CancellationToken.None);
                LogPermanentFailure(alert.AlertId, alert.Version, subscription.Id, channel, masked, result.Error);
                Count(channel, "failed", activity);
                activity?.SetStatus(ActivityStatusCode.Error, result.Error);
                return DeliveryOutcome.Permanent;

            default:
                await _log.MarkAttemptFailedAsync(key, result.Error ?? "failed", final: lastAttempt, CancellationToken.None);
                LogTransientFailure(alert.AlertId, alert.Version, subscription.Id, channel, masked, attempt + 1, lastAttempt, result.Error);
                Count(channel, lastAttempt ? "failed" : "retrying", activity);
                activity?.SetStatus(ActivityStatusCode.Error, result.Error);
                throw new TransientDeliveryException(
                    $"{channel} delivery of {alert.AlertId} v{alert.Version} to {subscription.Id} failed: {result.Error}");
        }
    }

    internal static string Masked(Subscription subscription) => subscription.Channel switch
    {
        DeliveryChannel.Email => Redact.Email(subscription.Target),
        DeliveryChannel.Sms => Redact.Phone(subscription.Target),
        _ => Redact.Url(subscription.Target),
    };

    private static string Recipient(Subscription subscription) =>
        subscription.Channel == DeliveryChannel.Webhook && Uri.TryCreate(subscription.Target, UriKind.Absolute, out var uri)
            ? uri.GetLeftPart(UriPartial.Path)
            : subscription.Target;

    private static string ChannelTag(DeliveryChannel channel) => channel.ToString().ToLowerInvariant();

    private static void Count(DeliveryChannel channel, string outcome, Activity? activity)
    {
        activity?.SetTag("outagealerts.delivery.outcome", outcome);
        DeliveryTelemetry.Deliveries.Add(
            1,
            new KeyValuePair<string, object?>("channel", ChannelTag(channel)),
            new KeyValuePair<string, object?>("outcome", outcome));
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Delivered alert {AlertId} v{Version} to subscription {SubscriptionId} over {Channel} ({Recipient}) on attempt {Attempt}")]
    private partial void LogDelivered(string alertId, int version, string subscriptionId, DeliveryChannel channel, string recipient, int attempt);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Alert {AlertId} v{Version} was already delivered to subscription {SubscriptionId} over {Channel}; not sending again")]
    private partial void LogAlreadyDelivered(string alertId, int version, string subscriptionId, DeliveryChannel channel);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Subscription {SubscriptionId} ({Channel}) is no longer configured; alert {AlertId} v{Version} is not delivered to it")]
    private partial void LogSubscriptionGone(string subscriptionId, DeliveryChannel channel, string alertId, int version);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Delivery of alert {AlertId} v{Version} to subscription {SubscriptionId} over {Channel} ({Recipient}) failed for good: {Error}")]
    private partial void LogPermanentFailure(string alertId, int version, string subscriptionId, DeliveryChannel channel, string recipient, string? error);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Delivery of alert {AlertId} v{Version} to subscription {SubscriptionId} over {Channel} ({Recipient}) failed on attempt {Attempt} (last attempt: {LastAttempt}): {Error}")]
    private partial void LogTransientFailure(string alertId, int version, string subscriptionId, DeliveryChannel channel, string recipient, int attempt, bool lastAttempt, string? error);
}
