using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OutageAlerts.Incidents;

/// <summary>The incidents area's ActivitySource and Meter, one each for the process.</summary>
public static class IncidentsTelemetry
{
    public const string Name = "OutageAlerts.Incidents";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> Decisions = Meter.CreateCounter<long>(
        "outagealerts.incident.decisions", "{report}", "Correlated reports by outcome (new, updated, duplicate, held, ignored).");

    internal static readonly Counter<long> Messages = Meter.CreateCounter<long>(
        "outagealerts.incident.messages", "{message}", "Alert versions created, by message type.");
}
