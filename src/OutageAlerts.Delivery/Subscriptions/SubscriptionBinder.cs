using Microsoft.Extensions.Configuration;

namespace OutageAlerts.Delivery.Subscriptions;

/// <summary>
/// Binds <c>OutageAlerts:Subscriptions:N</c>. Lists come from arrays (<c>Countries:0</c>) or, because
/// environment variables make it natural, from one comma-separated value (<c>Countries=UA,MD</c>).
/// </summary>
internal static class SubscriptionBinder
{
    private static readonly char[] ListSeparators = [',', ';'];

    public static void Bind(IConfigurationSection section, SubscriptionsOptions options)
    {
        options.Items.Clear();
        foreach (var child in section.GetChildren())
        {
            var subscription = new Subscription();
            child.Bind(subscription);
            subscription.ConfigurationPath = child.Path;
            subscription.Countries = ReadList(child, nameof(Subscription.Countries), subscription.Countries, upperCase: true);
            subscription.Regions = ReadList(child, nameof(Subscription.Regions), subscription.Regions, upperCase: true);
            subscription.Targets = ReadList(child, nameof(Subscription.Targets), subscription.Targets, upperCase: false);
            subscription.Languages = ReadList(child, nameof(Subscription.Languages), subscription.Languages, upperCase: false);
            subscription.Language = string.IsNullOrWhiteSpace(subscription.Language) ? null : subscription.Language.Trim().ToLowerInvariant();
            subscription.Id = subscription.Id.Trim();
            subscription.Target = subscription.Target.Trim();
            options.Items.Add(subscription);
        }
    }

    private static List<string> ReadList(IConfigurationSection entry, string key, List<string> bound, bool upperCase)
    {
        var scalar = entry.GetSection(key).Value;
        IEnumerable<string> values = scalar is null
            ? bound
            : scalar.Split(ListSeparators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return [.. values
            .Select(v => v.Trim())
            .Where(v => v.Length > 0)
            .Select(v => upperCase ? v.ToUpperInvariant() : v.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)];
    }
}
