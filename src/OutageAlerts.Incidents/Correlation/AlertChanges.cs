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

    /// <summary>The CAP <c>sender</c> of every alert version (as in delivery's CAP documents).</summary>
    public const string CapSender = "outage-alerts";

    /// <summary>
    /// CAP <c>references</c> of the version that follows <paramref name="previous"/>: every earlier version of the
    /// alert, oldest first, each as <c>sender,identifier,sent</c>. A version's CAP identifier is
    /// <c>{alertId}-v{version}</c> (see docs/incidents.md), so a receiver that missed a version still sees it superseded.
    /// </summary>
    public static IReadOnlyList<string> References(Alert previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return [.. previous.References, Reference(previous)];
    }

    /// <summary>One CAP reference: <c>sender,identifier,sent</c>, with <c>sent</c> in CAP's UTC form.</summary>
    public static string Reference(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{CapSender},{CapIdentifier(alert.AlertId, alert.Version)},{alert.Sent.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss'+00:00'}");
    }

    /// <summary>The CAP identifier of one version of an alert.</summary>
    public static string CapIdentifier(string alertId, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{alertId}-v{version}");

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
