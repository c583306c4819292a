using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Delivery.Webhooks;
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
    private readonly AlertArchive _archive;
    private readonly DeliveryRetries _retries;
    private readonly DisabledEndpoints _disabled;
    private readonly ISubscriptionDirectory _subscriptions;
    private readonly IOptionsMonitor<WebhookOptions> _webhooks;
    private readonly TimeProvider _time;
    private readonly ILogger<DeliveryDispatcher> _logger;

    public DeliveryDispatcher(
        IEnumerable<IChannelSender> senders,
        DeliveryLog log,
        AlertArchive archive,
        DeliveryRetries retries,
        DisabledEndpoints disabled,
        ISubscriptionDirectory subscriptions,
        IOptionsMonitor<WebhookOptions> webhooks,
        TimeProvider time,
        ILogger<DeliveryDispatcher> logger)
    {
        _senders = senders.ToDictionary(s => s.Channel);
        _log = log;
        _archive = archive;
        _retries = retries;
        _disabled = disabled;
        _subscriptions = subscriptions;
        _webhooks = webhooks;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Webhooks retry on Standard Webhooks' schedule of hours, kept in the store (<see cref="DeliveryRetries"/>);
    /// email and SMS retry within minutes through the consumer's retry policy.
    /// </summary>
    public static bool RetriesFromStore(DeliveryChannel channel) => channel == DeliveryChannel.Webhook;

    /// <summary>
    /// Delivers once. For channels that retry from the store, a transient failure schedules the next attempt there
    /// and returns <see cref="DeliveryOutcome.Transient"/>. For the others it throws
    /// <see cref="TransientDeliveryException"/> so the consumer's retry policy runs again; on the
    /// <paramref name="lastAttempt"/> it is logged as failed first.
    /// </summary>
    /// <remarks>
    /// <paramref name="fromStore"/> says the attempt comes from the store (a deferred delivery, a replay or a webhook
    /// retry): then every channel keeps its next attempt there and the stored row goes once the delivery is settled.
    /// <paramref name="parent"/> puts the attempt's span under the span that routed it when that is not the current one
    /// (a delivery from a batch of many alerts' traces).
    /// </remarks>
    public async Task<DeliveryOutcome?> DeliverAsync(
        IAlertDelivery delivery, DeliveryChannel channel, int attempt, bool lastAttempt, CancellationToken cancellationToken,
        bool fromStore = false, ActivityContext parent = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        // The head only: a webhook's alert stays the JSON routing wrote, and only CAP, email and SMS read all of it.
        var alert = delivery.Head;
        using var activity = DeliveryTelemetry.Source.StartActivity(
            channel switch { DeliveryChannel.Email => "deliver email", DeliveryChannel.Sms => "deliver sms", _ => "deliver webhook" },
            ActivityKind.Internal,
            parent);
        activity?.SetTag("outagealerts.alert.id", alert.AlertId);
        activity?.SetTag("outagealerts.alert.version", alert.Version);
        activity?.SetTag("outagealerts.subscription.id", delivery.SubscriptionId);
        activity?.SetTag("outagealerts.delivery.channel", channel.ToString());
        activity?.SetTag("outagealerts.delivery.attempt", attempt + 1);

        var subscription = await _subscriptions.FindAsync(delivery.SubscriptionId, cancellationToken);
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
        activity?.SetTag("outagealerts.delivery.recipient", masked);
        // Archived with the attempt below (one write); the branches that return before it archive on their own.
        var storedRetries = RetriesFromStore(channel) || fromStore;
        if (channel != DeliveryChannel.Webhook
            && await _log.LatestRoutedVersionAsync(alert.AlertId, subscription.Id, cancellationToken) is { } latest
            && latest > alert.Version
            && await _log.SuppressPendingAsync(key, $"superseded by version {latest} before it was sent", cancellationToken))
        {
            // A person reads the newest version only: one that waited (quiet hours, a queue backlog) and was
            // overtaken is not sent at all. Webhook consumers get every version; they track versions themselves.
            await _archive.StoreAsync(delivery, cancellationToken);
            if (storedRetries)
            {
                await _retries.RemoveAsync(key, CancellationToken.None);
            }

            LogSuperseded(alert.AlertId, alert.Version, subscription.Id, channel, latest);
            Count(channel, "superseded", activity);
            return DeliveryOutcome.Permanent;
        }

        if (RetriesFromStore(channel) && await _disabled.FindAsync(subscription.Id, recipient, cancellationToken) is { } gone)
        {
            var reason = $"endpoint disabled since {AlertWording.Timestamp(gone.DisabledAt)}: {gone.Reason}";
            await _archive.StoreAsync(delivery, cancellationToken);
            await _log.RecordNotSentAsync(key, channel, recipient, delivery.Kind, reason, cancellationToken);
            await _retries.RemoveAsync(key, CancellationToken.None);
            LogEndpointDisabledSkip(alert.AlertId, alert.Version, subscription.Id, masked);
            Count(channel, "disabled", activity);
            return DeliveryOutcome.Permanent;
        }

        var attempts = await _log.BeginAttemptAsync(key, channel, recipient, delivery.Kind, cancellationToken, _archive.StoreWrite(delivery));
        activity?.SetTag("outagealerts.delivery.attempt", attempts);
        if (attempts == DeliveryLog.InFlightElsewhere)
        {
            // Another copy of this delivery is being attempted (another replica, a republished alert): sending now
            // could double an email or SMS. Try again once its lease is over; by then it is delivered or free.
            LogInFlightElsewhere(alert.AlertId, alert.Version, subscription.Id, channel);
            Count(channel, "in_flight_elsewhere", activity);
            if (storedRetries)
            {
                await _retries.ScheduleAsync(key, channel, _time.GetUtcNow() + DeliveryLog.AttemptLease, CancellationToken.None);
                return DeliveryOutcome.Transient;
            }

            throw new TransientDeliveryException(
                $"{channel} delivery of {alert.AlertId} v{alert.Version} to {subscription.Id} is being attempted elsewhere; trying again later");
        }

        if (attempts == 0)
        {
            LogAlreadyDelivered(alert.AlertId, alert.Version, subscription.Id, channel);
            Count(channel, "skipped", activity);
            if (storedRetries)
            {
                await _retries.RemoveAsync(key, CancellationToken.None);
            }

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
                // A retry row exists only after a failed attempt or when the attempt came from the store; a first
                // attempt from the queue that succeeds has none to remove (one statement less per delivery, issue 10).
                if (storedRetries && (fromStore || attempts > 1))
                {
                    await _retries.RemoveAsync(key, CancellationToken.None);
                }

                LogDelivered(alert.AlertId, alert.Version, subscription.Id, channel, masked, attempts);
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
                if (storedRetries)
                {
                    await _retries.RemoveAsync(key, CancellationToken.None);
                }

                if (storedRetries && result.EndpointGone)
                {
                    await _disabled.DisableAsync(subscription.Id, recipient, result.Error ?? "gone", CancellationToken.None);
                    LogEndpointDisabled(subscription.Id, masked, result.Error);
                    DeliveryTelemetry.EndpointsDisabled.Add(1, new KeyValuePair<string, object?>("channel", ChannelTag(channel)));
                }

                LogPermanentFailure(alert.AlertId, alert.Version, subscription.Id, channel, masked, result.Error);
                Count(channel, "failed", activity);
                activity?.SetTag("error.type", "permanent");
                activity?.SetStatus(ActivityStatusCode.Error, result.Error);
                return DeliveryOutcome.Permanent;

            default:
                activity?.SetTag("error.type", "transient");
                activity?.SetStatus(ActivityStatusCode.Error, result.Error);
                if (storedRetries)
                {
                    await ScheduleRetryAsync(key, channel, attempts, result, masked, activity);
                    return DeliveryOutcome.Transient;
                }

                await _log.MarkAttemptFailedAsync(key, result.Error ?? "failed", final: lastAttempt, CancellationToken.None);
                LogTransientFailure(alert.AlertId, alert.Version, subscription.Id, channel, masked, attempts, lastAttempt, result.Error);
                Count(channel, lastAttempt ? "failed" : "retrying", activity);
                throw new TransientDeliveryException(
                    $"{channel} delivery of {alert.AlertId} v{alert.Version} to {subscription.Id} failed: {result.Error}");
        }
    }

    /// <summary>
    /// Schedules the next attempt after the <paramref name="attempts"/>-th failed one: after the receiver's
    /// Retry-After when it gave one, otherwise after the schedule's wait; gives up when the schedule is used up.
    /// </summary>
    private async Task ScheduleRetryAsync(
        DeliveryKey key, DeliveryChannel channel, int attempts, DeliveryResult result, string masked, Activity? activity)
    {
        // Email and SMS attempts from the store (deferred, replayed) follow the webhook schedule too: by then
        // nobody is waiting on the consumer's quick retries any more.
        var schedule = _webhooks.CurrentValue.EffectiveRetrySchedule;
        var error = result.Error ?? "failed";
        if (attempts > schedule.Count)
        {
            await _log.MarkAttemptFailedAsync(key, error, final: true, CancellationToken.None);
            await _retries.RemoveAsync(key, CancellationToken.None);
            LogTransientFailure(key.AlertId, key.Version, key.SubscriptionId, channel, masked, attempts, true, error);
            Count(channel, "failed", activity);
            return;
        }

        var wait = result.RetryAfter is { } asked
            ? (asked > WebhookOptions.MaxRetryAfter ? WebhookOptions.MaxRetryAfter : asked)
            : schedule[attempts - 1];
        var due = _time.GetUtcNow() + wait;
        await _log.MarkAttemptFailedAsync(key, error, final: false, CancellationToken.None);
        await _retries.ScheduleAsync(key, channel, due, CancellationToken.None);
        LogRetryScheduled(key.AlertId, key.Version, key.SubscriptionId, channel, masked, attempts, due, error);
        Count(channel, "retrying", activity);
    }

    internal static string Masked(Subscription subscription) => subscription.Channel switch
    {
        DeliveryChannel.Email => Redact.Email(subscription.Target),
        DeliveryChannel.Sms => Redact.Phone(subscription.Target),
        _ => Redact.Url(subscription.Target),
    };

    /// <summary>What the delivery log records as the recipient: a webhook URL without its query, which may hold a token.</summary>
    internal static string Recipient(Subscription subscription) =>
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
        Message = "Alert {AlertId} v{Version} is not sent to subscription {SubscriptionId} over {Channel}: version {Latest} was routed to it meanwhile")]
    private partial void LogSuperseded(string alertId, int version, string subscriptionId, DeliveryChannel channel, int latest);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Delivered alert {AlertId} v{Version} to subscription {SubscriptionId} over {Channel} ({Recipient}) on attempt {Attempt}")]
    private partial void LogDelivered(string alertId, int version, string subscriptionId, DeliveryChannel channel, string recipient, int attempt);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Delivery of alert {AlertId} v{Version} to subscription {SubscriptionId} over {Channel} ({Recipient}) failed on attempt {Attempt}; next attempt at {DueAt:o}: {Error}")]
    private partial void LogRetryScheduled(string alertId, int version, string subscriptionId, DeliveryChannel channel, string recipient, int attempt, DateTimeOffset dueAt, string error);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Webhook endpoint of subscription {SubscriptionId} ({Recipient}) answered 410 Gone and is disabled: {Error}")]
    private partial void LogEndpointDisabled(string subscriptionId, string recipient, string? error);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Alert {AlertId} v{Version} is not sent to subscription {SubscriptionId} ({Recipient}): its endpoint is disabled")]
    private partial void LogEndpointDisabledSkip(string alertId, int version, string subscriptionId, string recipient);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Alert {AlertId} v{Version} for subscription {SubscriptionId} over {Channel} is being attempted by another copy; trying again later")]
    private partial void LogInFlightElsewhere(string alertId, int version, string subscriptionId, DeliveryChannel channel);

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
