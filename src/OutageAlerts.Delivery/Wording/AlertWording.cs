using System.Globalization;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;

namespace OutageAlerts.Delivery.Wording;

/// <summary>The short phrases that email subjects, bodies and SMS texts share, so all channels say the same.</summary>
internal static class AlertWording
{
    private static readonly Dictionary<string, string> TargetPhrases = new(StringComparer.Ordinal)
    {
        ["power_grid"] = "energy infrastructure",
        ["heating"] = "heating supply",
        ["water"] = "water supply",
        ["gas"] = "gas infrastructure",
        ["residential"] = "homes",
        ["education"] = "a school",
        ["medical"] = "a medical facility",
        ["transport"] = "transport",
        ["commercial"] = "commercial sites",
        ["telecom"] = "telecoms",
        ["religious_cultural"] = "a religious or cultural site",
        ["humanitarian"] = "humanitarian aid",
    };

    public static string SeverityTag(Severity severity) => severity.ToString().ToUpperInvariant();

    /// <summary>The alert's own CAP event, or one made from its targets: "Strike on energy infrastructure and homes".</summary>
    public static string Event(Alert alert) =>
        string.IsNullOrWhiteSpace(alert.Event) ? EventFromTargets(alert) : alert.Event.Trim();

    public static string EventFromTargets(Alert alert)
    {
        var phrases = alert.Targets
            .Select(t => TargetPhrases.TryGetValue(t, out var phrase) ? phrase : t.Replace('_', ' '))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return phrases.Count switch
        {
            0 => "Strike",
            1 => $"Strike on {phrases[0]}",
            _ => $"Strike on {string.Join(", ", phrases[..^1])} and {phrases[^1]}",
        };
    }

    /// <summary>"Kharkiv oblast (UA-63)", or the region codes, or the country, whatever the alert knows.</summary>
    public static string Place(Alert alert)
    {
        var regions = string.Join(", ", alert.Regions);
        var description = alert.Area?.Description;
        if (!string.IsNullOrWhiteSpace(description))
        {
            return regions.Length > 0 ? $"{description} ({regions})" : description;
        }

        if (regions.Length > 0)
        {
            return regions;
        }

        return alert.Country ?? "location unknown";
    }

    public static string Casualties(Alert alert)
    {
        var parts = new List<string>(2);
        if (alert.Killed is { } killed)
        {
            parts.Add($"{killed.ToString(CultureInfo.InvariantCulture)} killed");
        }

        if (alert.Injured is { } injured)
        {
            parts.Add($"{injured.ToString(CultureInfo.InvariantCulture)} injured");
        }

        return parts.Count == 0 ? "none reported" : string.Join(", ", parts);
    }

    public static string? Outage(Alert alert) =>
        alert.OutageCustomers is { } customers
            ? $"{customers.ToString("N0", CultureInfo.InvariantCulture)} customers without supply"
            : null;

    public static string Label(AlertEventKind kind) => kind switch
    {
        AlertEventKind.Updated => "Update",
        AlertEventKind.Cancelled => "Cancelled",
        _ => "Alert",
    };

    /// <summary>E.g. <c>[SEVERE] Strike on energy infrastructure — Kharkiv oblast (UA-63)</c>.</summary>
    public static string Subject(AlertEventKind kind, Alert alert)
    {
        var prefix = kind switch
        {
            AlertEventKind.Updated => $"[{SeverityTag(alert.Severity)}] Update: ",
            AlertEventKind.Cancelled => "[CANCELLED] ",
            _ => $"[{SeverityTag(alert.Severity)}] ",
        };
        return $"{prefix}{Event(alert)} — {Place(alert)}";
    }

    public static string Timestamp(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
