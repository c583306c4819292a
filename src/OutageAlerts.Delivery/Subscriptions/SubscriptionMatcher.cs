using OutageAlerts.Contracts;

namespace OutageAlerts.Delivery.Subscriptions;

/// <summary>Decides whether an alert passes a subscription's filters; an empty list filter means any.</summary>
public static class SubscriptionMatcher
{
    public static bool Matches(Subscription subscription, Alert alert)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(alert);

        if (alert.Severity < subscription.MinSeverity || alert.Severity == Severity.None)
        {
            return false;
        }

        if (subscription.Countries.Count > 0
            && (alert.Country is null || !subscription.Countries.Contains(alert.Country, StringComparer.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (subscription.Regions.Count > 0
            && !alert.Regions.Any(r => subscription.Regions.Contains(r, StringComparer.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (subscription.Languages.Count > 0
            && (alert.Language is null || !subscription.Languages.Contains(alert.Language, StringComparer.OrdinalIgnoreCase)))
        {
            return false;
        }

        return subscription.Targets.Count == 0
            || alert.Targets.Any(t => subscription.Targets.Contains(t, StringComparer.OrdinalIgnoreCase));
    }
}
