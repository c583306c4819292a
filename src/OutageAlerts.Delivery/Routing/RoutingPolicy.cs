using System.Globalization;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Silences;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Routing;

/// <summary>
/// Decides, for one subscription whose filters an alert event passed, between sending now, waiting for the end of
/// quiet hours, the digest, and not sending at all. Pure: the caller brings the clock, the active silences and
/// how much the recipient already got this hour. Extreme alerts pass quiet hours, digests and caps; only a silence
/// that says so mutes them.
/// </summary>
public static class RoutingPolicy
{
    /// <summary>The window the per-recipient cap counts over.</summary>
    public static readonly TimeSpan CapWindow = TimeSpan.FromHours(1);

    public static RoutingDecision Decide(
        Subscription subscription,
        Alert alert,
        AlertEventKind kind,
        DateTimeOffset now,
        IReadOnlyList<Silence> silences,
        int routedToRecipientLastHour,
        RecipientCaps caps)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(silences);
        ArgumentNullException.ThrowIfNull(caps);

        foreach (var silence in silences)
        {
            if (SilenceMatcher.Matches(silence, alert, subscription, now))
            {
                var comment = string.IsNullOrWhiteSpace(silence.Comment) ? "" : $": {silence.Comment}";
                return new RoutingDecision(
                    RoutingAction.Suppress, Reason: $"silenced by {silence.Id} until {Format(silence.EndsAt)}{comment}");
            }
        }

        var extreme = alert.Severity == Severity.Extreme;
        if (extreme)
        {
            return RoutingDecision.Send;
        }

        SubscriptionsValidator.TryFindTimeZone(subscription.TimeZone, out var zone);
        if (subscription.Mode == SubscriptionMode.Digest && alert.Severity <= subscription.DigestMaxSeverity)
        {
            return Digest(subscription, now, zone, $"{alert.Severity} waits for the {subscription.DigestPeriod.ToString().ToLowerInvariant()} digest");
        }

        if (QuietHoursWindow.TryParse(subscription.QuietHours, out var quiet) && quiet.Contains(now, zone))
        {
            var end = quiet.NextEnd(now, zone);
            return new RoutingDecision(RoutingAction.Defer, end, $"quiet hours {quiet} ({zone.Id}) until {Format(end)}");
        }

        // A cancellation always reaches whoever got the alert: it is what stops people acting on it.
        var cap = subscription.MaxPerHour ?? CapFor(subscription.Channel, caps);
        if (kind != AlertEventKind.Cancelled && cap > 0 && routedToRecipientLastHour >= cap)
        {
            var reason = $"recipient cap of {cap.ToString(CultureInfo.InvariantCulture)} per hour reached";
            return subscription.Mode == SubscriptionMode.Digest
                ? Digest(subscription, now, zone, reason + "; moved to the digest")
                : new RoutingDecision(RoutingAction.Suppress, Reason: reason);
        }

        return RoutingDecision.Send;
    }

    public static int CapFor(DeliveryChannel? channel, RecipientCaps caps)
    {
        ArgumentNullException.ThrowIfNull(caps);
        return channel switch
        {
            DeliveryChannel.Email => caps.Email,
            DeliveryChannel.Sms => caps.Sms,
            _ => caps.Webhook,
        };
    }

    /// <summary>The first digest time strictly after <paramref name="now"/>: the next full hour, or the next daily time in the zone.</summary>
    public static DateTimeOffset NextDigestAt(Subscription subscription, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        DateTime next;
        if (subscription.DigestPeriod == DigestPeriod.Hourly)
        {
            next = local.DateTime.Date.AddHours(local.Hour + 1);
        }
        else
        {
            next = local.DateTime.Date + subscription.DigestTime.ToTimeSpan();
            if (next <= local.DateTime)
            {
                next = next.AddDays(1);
            }
        }

        while (zone.IsInvalidTime(next))
        {
            next = next.AddMinutes(1);
        }

        return new DateTimeOffset(next, zone.GetUtcOffset(next)).ToUniversalTime();
    }

    private static RoutingDecision Digest(Subscription subscription, DateTimeOffset now, TimeZoneInfo zone, string reason)
    {
        var at = NextDigestAt(subscription, now, zone);
        return new RoutingDecision(RoutingAction.Digest, at, $"{reason} at {Format(at)}");
    }

    private static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
