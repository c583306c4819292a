using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OutageAlerts.Classification;

/// <summary>The classification area's trace source and meter.</summary>
public static class ClassificationTelemetry
{
    public const string Name = "OutageAlerts.Classification";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Reports classified, tagged with language and outcome.</summary>
    public static readonly Counter<long> Classified = Meter.CreateCounter<long>(
        "outagealerts.classification.reports", unit: "{report}", description: "Reports classified, by language and outcome.");
}
