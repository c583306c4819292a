using System.Globalization;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;

namespace OutageAlerts.Delivery.Wording;

/// <summary>
/// The short phrases that email subjects, bodies and SMS texts share, so all channels say the same. Each takes
/// an optional <see cref="WordingLocale"/>; without one it speaks English.
/// </summary>
internal static class AlertWording
{
    public static string SeverityTag(Severity severity) => severity.ToString().ToUpperInvariant();

    /// <summary>
    /// The alert's own CAP event, or one made from its targets: "Strike on energy infrastructure and homes". In
    /// Ukrainian always from the targets, since the event comes from the classifier in English.
    /// </summary>
    public static string Event(Alert alert, WordingLocale? locale = null)
    {
        ArgumentNullException.ThrowIfNull(alert);
        locale ??= WordingLocale.English;
        return string.IsNullOrWhiteSpace(alert.Event) || locale.IsUkrainian ? EventFromTargets(alert, locale) : alert.Event.Trim();
    }

    public static string EventFromTargets(Alert alert, WordingLocale? locale = null)
    {
        ArgumentNullException.ThrowIfNull(alert);
        locale ??= WordingLocale.English;
        var phrases = alert.Targets
            .Select(t => locale.Targets.TryGetValue(t, out var phrase) ? phrase : t.Replace('_', ' '))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return phrases.Count switch
        {
            0 => locale.Strike,
            1 => locale.StrikeOn + phrases[0],
            _ => $"{locale.StrikeOn}{string.Join(", ", phrases[..^1])}{locale.And}{phrases[^1]}",
        };
    }

    /// <summary>"Kharkiv oblast (UA-63)" from the region table, or the area's own name, or the country.</summary>
    public static string Place(Alert alert, WordingLocale? locale = null)
    {
        ArgumentNullException.ThrowIfNull(alert);
        locale ??= WordingLocale.English;
        if (alert.Regions.Count > 0)
        {
            var described = alert.Regions.Select(code => RegionNames.Region(code, locale.IsUkrainian) is { } name ? $"{name} ({code})" : null);
            if (described.All(d => d is not null))
            {
                return string.Join(", ", described);
            }

            var regions = string.Join(", ", alert.Regions);
            var area = alert.Area?.Description;
            return string.IsNullOrWhiteSpace(area) ? regions : $"{area} ({regions})";
        }

        if (!string.IsNullOrWhiteSpace(alert.Area?.Description))
        {
            return alert.Area.Description;
        }

        return alert.Country is null ? locale.LocationUnknown : RegionNames.Country(alert.Country, locale.IsUkrainian) ?? alert.Country;
    }

    public static string? CountryName(Alert alert, WordingLocale? locale = null) =>
        alert.Country is null ? null : RegionNames.Country(alert.Country, (locale ?? WordingLocale.English).IsUkrainian) ?? alert.Country;

    public static string Casualties(Alert alert, WordingLocale? locale = null)
    {
        ArgumentNullException.ThrowIfNull(alert);
        locale ??= WordingLocale.English;
        var parts = new List<string>(2);
        if (alert.Killed is { } killed)
        {
            parts.Add(locale.Format(locale.Killed, killed));
        }

        if (alert.Injured is { } injured)
        {
            parts.Add(locale.Format(locale.Injured, injured));
        }

        return parts.Count == 0 ? locale.NoneReported : string.Join(", ", parts);
    }

    public static string? Outage(Alert alert, WordingLocale? locale = null)
    {
        ArgumentNullException.ThrowIfNull(alert);
        locale ??= WordingLocale.English;
        return alert.OutageCustomers is { } customers
            ? locale.Format(locale.OutageCustomers, customers.ToString("N0", locale.Numbers))
            : null;
    }

    public static string Label(AlertEventKind kind, WordingLocale? locale = null)
    {
        locale ??= WordingLocale.English;
        return kind switch
        {
            AlertEventKind.Updated => locale.Update,
            AlertEventKind.Cancelled => locale.Cancelled,
            _ => locale.Alert,
        };
    }

    /// <summary>E.g. <c>[SEVERE] Strike on energy infrastructure — Kharkiv oblast (UA-63)</c>.</summary>
    public static string Subject(AlertEventKind kind, Alert alert, WordingLocale? locale = null)
    {
        ArgumentNullException.ThrowIfNull(alert);
        locale ??= WordingLocale.English;
        var prefix = kind switch
        {
            AlertEventKind.Updated => $"[{SeverityTag(alert.Severity)}] {locale.Update}: ",
            AlertEventKind.Cancelled => "[CANCELLED] ",
            _ => $"[{SeverityTag(alert.Severity)}] ",
        };
        return $"{prefix}{Event(alert, locale)} — {Place(alert, locale)}";
    }

    public static string Timestamp(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
