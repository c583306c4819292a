using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Delivery.Webhooks;

namespace OutageAlerts.Delivery.Dispatch;

/// <summary>
/// Polls the store for retries that fell due and attempts them through the <see cref="DeliveryDispatcher"/>,
/// which schedules the next one again if needed. Runs in every delivery process; claims keep replicas apart.
/// </summary>
public sealed partial class DeliveryRetryPump(
    DeliveryRetries retries,
    AlertArchive archive,
    DeliveryDispatcher dispatcher,
    IOptionsMonitor<WebhookOptions> webhooks,
    IOptions<DeliveryOptions> delivery,
    TimeProvider time,
    ILogger<DeliveryRetryPump> logger) : StorePump(time)
{
    private const int BatchSize = 100;

    /// <summary>Longer than one attempt can take, so a retry in flight is never claimed twice.</summary>
    private static readonly TimeSpan ClaimMargin = TimeSpan.FromMinutes(1);

    /// <summary>Attempts every retry that is due now; returns how many were attempted.</summary>
    public override async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var claimFor = (webhooks.CurrentValue.Timeout * 2) + ClaimMargin;
            var due = await retries.ClaimDueAsync(BatchSize, claimFor, cancellationToken);
            if (due.Count == 0)
            {
                return total;
            }

            await Parallel.ForEachAsync(
                due,
                new ParallelOptions { MaxDegreeOfParallelism = delivery.Value.ConcurrentMessageLimit, CancellationToken = cancellationToken },
                async (retry, ct) => await AttemptAsync(retry, ct));
            total += due.Count;
            if (due.Count < BatchSize)
            {
                return total;
            }
        }
    }

    protected override TimeSpan PollInterval => webhooks.CurrentValue.RetryPollInterval;

    protected override void OnRoundFailed(Exception exception) => LogPumpFailed(exception);

    private async Task AttemptAsync(ScheduledRetry retry, CancellationToken cancellationToken)
    {
        var archived = await archive.FindAsync(retry.Key.AlertId, retry.Key.Version, cancellationToken);
        if (archived is null)
        {
            LogAlertMissing(retry.Key.AlertId, retry.Key.Version, retry.Key.SubscriptionId);
            await retries.RemoveAsync(retry.Key, cancellationToken);
            return;
        }

        var message = Rebuild(retry.Channel, archived, retry.Key.SubscriptionId);
        try
        {
            var outcome = await dispatcher.DeliverAsync(message, retry.Channel, 0, lastAttempt: false, cancellationToken, fromStore: true);
            if (outcome is null)
            {
                // The subscription is gone from the configuration: nobody wants this retry any more.
                await retries.RemoveAsync(retry.Key, cancellationToken);
            }
        }
        catch (TransientDeliveryException)
        {
            // Attempts from the store schedule their next try there and do not throw; should one, the claim runs
            // out and the retry falls due again.
        }
    }

    /// <summary>The channel message as routing would have sent it, from the archived alert version.</summary>
    public static IAlertDelivery Rebuild(DeliveryChannel channel, ArchivedAlert archived, string subscriptionId)
    {
        ArgumentNullException.ThrowIfNull(archived);
        return channel switch
        {
            DeliveryChannel.Email => new EmailDelivery(archived.Kind, archived.Alert, subscriptionId, archived.CancelReason),
            DeliveryChannel.Sms => new SmsDelivery(archived.Kind, archived.Alert, subscriptionId, archived.CancelReason),
            _ => new WebhookDelivery(archived.Kind, archived.Alert, subscriptionId, archived.CancelReason),
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling the store for due delivery retries failed; trying again next round")]
    private partial void LogPumpFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "A retry of alert {AlertId} v{Version} for subscription {SubscriptionId} has no archived alert and is dropped")]
    private partial void LogAlertMissing(string alertId, int version, string subscriptionId);
}
