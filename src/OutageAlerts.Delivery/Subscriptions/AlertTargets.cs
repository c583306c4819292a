namespace OutageAlerts.Delivery.Subscriptions;

/// <summary>The fixed target vocabulary of DESIGN.md, which subscription filters are checked against.</summary>
public static class AlertTargets
{
    public static IReadOnlyList<string> All { get; } =
    [
        "power_grid", "heating", "water", "gas", "residential", "education", "medical", "transport",
        "commercial", "telecom", "religious_cultural", "humanitarian",
    ];

    public static bool IsKnown(string target) => All.Contains(target, StringComparer.Ordinal);
}
