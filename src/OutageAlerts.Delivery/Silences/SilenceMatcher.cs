using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Silences;

/// <summary>Decides whether a silence mutes the delivery of an alert to a subscription at a given instant.</summary>
public static class SilenceMatcher
{
    public static bool Matches(Silence silence, Alert alert, Subscription subscription, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(silence);
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(subscription);

        var m = silence.Matchers;
        if (!silence.IsActiveAt(now) || m.IsEmpty)
        {
            return false;
        }

        // The worst news is never muted by a silence made for something routine, unless it says so.
        if (alert.Severity == Severity.Extreme && !silence.IncludeExtreme)
        {
            return false;
        }

        return (m.SubscriptionIds.Count == 0 || m.SubscriptionIds.Contains(subscription.Id, StringComparer.Ordinal))
            && (m.Channels.Count == 0 || (subscription.Channel is { } channel && m.Channels.Contains(channel)))
            && (m.Countries.Count == 0 || (alert.Country is { } country && m.Countries.Contains(country, StringComparer.OrdinalIgnoreCase)))
            && (m.Regions.Count == 0 || alert.Regions.Any(r => m.Regions.Contains(r, StringComparer.OrdinalIgnoreCase)))
            && (m.Targets.Count == 0 || alert.Targets.Any(t => m.Targets.Contains(t, StringComparer.OrdinalIgnoreCase)))
            && (m.AlertIds.Count == 0 || m.AlertIds.Contains(alert.AlertId, StringComparer.Ordinal))
            && (m.Feeds.Count == 0 || alert.Sources.Any(s => m.Feeds.Contains(s.Feed, StringComparer.OrdinalIgnoreCase)));
    }

    /// <summary>The first of <paramref name="silences"/> that mutes this delivery, or null.</summary>
    public static Silence? FirstMatch(IEnumerable<Silence> silences, Alert alert, Subscription subscription, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(silences);
        return silences.FirstOrDefault(s => Matches(s, alert, subscription, now));
    }
}
