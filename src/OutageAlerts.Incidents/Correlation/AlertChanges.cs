using System.Globalization;
using OutageAlerts.Contracts;

namespace OutageAlerts.Incidents.Correlation;

/// <summary>
/// Materiality: what changed between the last published version and the incident's current picture, in words a
/// reader of the update understands ("killed 3 → 5"). Anything not listed here (new headline, another source
/// repeating the same facts) is not worth a message.
/// </summary>
internal static class AlertChanges
{
    /// <summary>Outage figures move with every utility bulletin; a change below this share is not news.</summary>
    public const double MaterialOutageChange = 0.10;

    public static IReadOnlyList<string> Between(Alert previous, IncidentSnapshot current)
    {
        var changes = new List<string>();
        if (current.Severity != previous.Severity)
        {
            changes.Add($"severity {previous.Severity} → {current.Severity}");
        }

        if (current.Killed != previous.Killed)
        {
            changes.Add($"killed {Figure(previous.Killed)} → {Figure(current.Killed)}");
        }

        if (current.Injured != previous.Injured)
        {
            changes.Add($"injured {Figure(previous.Injured)} → {Figure(current.Injured)}");
        }

        var addedTargets = current.Targets.Except(previous.Targets, StringComparer.Ordinal).ToList();
        if (addedTargets.Count > 0)
        {
            changes.Add("targets + " + string.Join(", ", addedTargets));
        }

        var addedRegions = current.Regions.Except(previous.Regions, StringComparer.Ordinal).ToList();
        if (addedRegions.Count > 0)
        {
            changes.Add("regions + " + string.Join(", ", addedRegions));
        }

        if (IsMaterialOutageChange(previous.OutageCustomers, current.OutageCustomers))
        {
            changes.Add($"without supply {Figure(previous.OutageCustomers)} → {Figure(current.OutageCustomers)}");
        }

        if (current.Certainty > previous.Certainty)
        {
            changes.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"certainty {previous.Certainty} → {current.Certainty} ({current.IndependentSources} independent sources)"));
        }

        return changes;
    }

    /// <summary>
    /// CAP <c>references</c> of an update or cancel: the previous message as sender-less "identifier,sent", where the
    /// identifier of a version is <c>alertId</c> + "." + version (see docs/incidents.md).
    /// </summary>
    public static string References(Alert previous) =>
        string.Create(CultureInfo.InvariantCulture, $"references {previous.AlertId}.{previous.Version},{previous.Sent:yyyy-MM-ddTHH:mm:ssK}");

    internal static bool IsMaterialOutageChange(long? previous, long? current) => (previous, current) switch
    {
        (null, null) => false,
        (null, _) or (_, null) => true,
        var (a, b) => Math.Abs(a.Value - b.Value) >= MaterialOutageChange * Math.Max(a.Value, b.Value),
    };

    private static string Figure(long? value) =>
        value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "unknown";

    private static string Figure(int? value) =>
        value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "unknown";
}
