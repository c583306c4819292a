using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Email;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Digests;

/// <summary>
/// Sends digest emails: claims the entries that fell due into digests, then sends each digest with the latest
/// version of every alert it holds. The alert versions it carries are marked delivered (or failed) in the delivery
/// log with the digest's outcome, so updates and cancellations find their recipients as for immediate mail.
/// </summary>
public sealed partial class DigestPump(
    DigestSchedule queue,
    AlertArchive archive,
    DeliveryLog log,
    ISubscriptionDirectory subscriptions,
    IEnumerable<IChannelSender> senders,
    IOptionsMonitor<SmtpOptions> smtp,
    IOptionsMonitor<DeliveryOptions> options,
    TimeProvider time,
    ILogger<DigestPump> logger) : StorePump(time)
{
    private const int BatchSize = 20;

    /// <summary>A digest attempt that did not finish within this is taken over by another round or process.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private readonly EmailSender _email = senders.OfType<EmailSender>().Single();

    /// <summary>Makes and sends every digest that is due; returns how many were sent.</summary>
    public override async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        await queue.ClaimDueAsync(cancellationToken);
        var sent = 0;
        foreach (var digest in await queue.LeaseDueAsync(BatchSize, Lease, cancellationToken))
        {
            if (await SendAsync(digest, cancellationToken))
            {
                sent++;
            }
        }

        return sent;
    }

    protected override TimeSpan PollInterval => options.CurrentValue.DigestPollInterval;

    protected override void OnRoundFailed(Exception exception) => LogPumpFailed(exception);

    private async Task<bool> SendAsync(PendingDigest digest, CancellationToken cancellationToken)
    {
        using var activity = DeliveryTelemetry.Source.StartActivity("deliver digest");
        activity?.SetTag("outagealerts.subscription.id", digest.SubscriptionId);
        activity?.SetTag("outagealerts.digest.id", digest.Id);
        activity?.SetTag("outagealerts.delivery.attempt", digest.Attempts);

        var subscription = await subscriptions.FindAsync(digest.SubscriptionId, cancellationToken);
        if (subscription is not { Channel: DeliveryChannel.Email })
        {
            await queue.MarkFailedAsync(digest.Id, "subscription no longer exists", CancellationToken.None);
            LogSubscriptionGone(digest.Id, digest.SubscriptionId);
            return false;
        }

        var (included, superseded) = await SelectAsync(digest, cancellationToken);
        foreach (var entry in superseded)
        {
            await log.SuppressPendingAsync(Key(entry), "superseded by a newer version of the alert", CancellationToken.None);
        }

        if (included.Count == 0)
        {
            await queue.MarkDeliveredAsync(digest.Id, CancellationToken.None);
            return false;
        }

        activity?.SetTag("outagealerts.digest.alerts", included.Count);
        using var message = DigestEmailComposer.Compose(
            digest.Id, [.. included.Select(i => i.Alert)], subscription, smtp.CurrentValue, Time.GetUtcNow());
        DeliveryResult result;
        try
        {
            result = await _email.SendAsync(message, $"{digest.Id}-{digest.SubscriptionId}", cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            result = DeliveryResult.Transient($"{ex.GetType().Name}: {ex.Message}");
        }

        var retryLimit = options.CurrentValue.RetryLimit;
        var masked = DeliveryDispatcher.Masked(subscription);
        if (result.Outcome == DeliveryOutcome.Delivered)
        {
            foreach (var (entry, _) in included)
            {
                await log.BeginAttemptAsync(Key(entry), DeliveryChannel.Email, DeliveryDispatcher.Recipient(subscription), AlertEventKind.Raised, CancellationToken.None);
                await log.MarkDeliveredAsync(Key(entry), CancellationToken.None);
            }

            await queue.MarkDeliveredAsync(digest.Id, CancellationToken.None);
            Count("delivered", activity);
            LogDigestSent(digest.Id, subscription.Id, masked, included.Count);
            return true;
        }

        var error = result.Error ?? "failed";
        activity?.SetStatus(ActivityStatusCode.Error, error);
        if (result.Outcome == DeliveryOutcome.Permanent || digest.Attempts > retryLimit)
        {
            foreach (var (entry, _) in included)
            {
                await log.MarkAttemptFailedAsync(Key(entry), $"digest {digest.Id}: {error}", final: true, CancellationToken.None);
            }

            await queue.MarkFailedAsync(digest.Id, error, CancellationToken.None);
            Count("failed", activity);
            LogDigestFailed(digest.Id, subscription.Id, masked, digest.Attempts, error);
            return false;
        }

        var wait = Backoff(digest.Attempts, options.CurrentValue);
        await queue.RetryAtAsync(digest.Id, error, Time.GetUtcNow() + wait, CancellationToken.None);
        Count("retrying", activity);
        LogDigestRetry(digest.Id, subscription.Id, masked, digest.Attempts, wait, error);
        return false;
    }

    /// <summary>
    /// The newest version of each alert in the digest, unless a newer version already went to the subscription
    /// on its own (an update that rose above the digest threshold); the older versions are superseded.
    /// </summary>
    private async Task<(List<(DigestEntry Entry, ArchivedAlert Alert)> Included, List<DigestEntry> Superseded)> SelectAsync(
        PendingDigest digest, CancellationToken cancellationToken)
    {
        var included = new List<(DigestEntry, ArchivedAlert)>();
        var superseded = new List<DigestEntry>();
        foreach (var versions in digest.Entries.GroupBy(e => e.AlertId, StringComparer.Ordinal))
        {
            var newest = versions.MaxBy(e => e.Version)!;
            superseded.AddRange(versions.Where(e => e.Version < newest.Version));
            var routed = await log.LatestRoutedVersionAsync(newest.AlertId, digest.SubscriptionId, cancellationToken);
            var archived = await archive.FindAsync(newest.AlertId, newest.Version, cancellationToken);
            if (routed > newest.Version || archived is null)
            {
                superseded.Add(newest);
                continue;
            }

            included.Add((newest, archived));
        }

        return (included, superseded);
    }

    private static TimeSpan Backoff(int attempts, DeliveryOptions options)
    {
        var wait = options.RetryMinInterval * Math.Pow(2, Math.Max(0, attempts - 1));
        return wait > options.RetryMaxInterval ? options.RetryMaxInterval : wait;
    }

    private static DeliveryKey Key(DigestEntry entry) => new(entry.AlertId, entry.Version, entry.SubscriptionId);

    private static void Count(string outcome, Activity? activity)
    {
        activity?.SetTag("outagealerts.delivery.outcome", outcome);
        DeliveryTelemetry.Deliveries.Add(
            1,
            new KeyValuePair<string, object?>("channel", "email_digest"),
            new KeyValuePair<string, object?>("outcome", outcome));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent digest {DigestId} with {Alerts} alerts to subscription {SubscriptionId} ({Recipient})")]
    private partial void LogDigestSent(string digestId, string subscriptionId, string recipient, int alerts);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Digest {DigestId} to subscription {SubscriptionId} ({Recipient}) failed on attempt {Attempt}; trying again in {Wait}: {Error}")]
    private partial void LogDigestRetry(string digestId, string subscriptionId, string recipient, int attempt, TimeSpan wait, string error);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Digest {DigestId} to subscription {SubscriptionId} ({Recipient}) failed for good after {Attempt} attempts: {Error}")]
    private partial void LogDigestFailed(string digestId, string subscriptionId, string recipient, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Digest {DigestId} is dropped: subscription {SubscriptionId} is no longer an email subscription")]
    private partial void LogSubscriptionGone(string digestId, string subscriptionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Making or sending digests failed; trying again next round")]
    private partial void LogPumpFailed(Exception exception);
}
