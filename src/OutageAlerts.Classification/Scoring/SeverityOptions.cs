using System.ComponentModel.DataAnnotations;

namespace OutageAlerts.Classification.Scoring;

/// <summary>
/// Thresholds of the severity rules (eval README), bound from <c>OutageAlerts:Classification:Severity</c>.
/// </summary>
public sealed class SeverityOptions
{
    public const string SectionName = "OutageAlerts:Classification:Severity";
    public const int DefaultExtremeKilled = 10;
    public const int DefaultSevereInjured = 10;
    public const long DefaultExtremeOutageCustomers = 500_000;
    public const long DefaultSevereOutageCustomers = 10_000;
    public const int DefaultMultiRegionOutageRegions = 3;

    /// <summary>Deaths from which a report is Extreme (fewer deaths are Severe).</summary>
    [Range(1, 100_000)]
    public int ExtremeKilled { get; set; } = DefaultExtremeKilled;

    /// <summary>Injured from which a report is Severe (fewer are Moderate).</summary>
    [Range(1, 100_000)]
    public int SevereInjured { get; set; } = DefaultSevereInjured;

    /// <summary>Customers, households or people cut off from which a report is Extreme.</summary>
    [Range(1, long.MaxValue)]
    public long ExtremeOutageCustomers { get; set; } = DefaultExtremeOutageCustomers;

    /// <summary>Customers cut off by an energy, heat or water strike from which a report is Severe.</summary>
    [Range(1, long.MaxValue)]
    public long SevereOutageCustomers { get; set; } = DefaultSevereOutageCustomers;

    /// <summary>Distinct regions named in outage sentences from which an outage counts as multi-region (Extreme).</summary>
    [Range(2, 100)]
    public int MultiRegionOutageRegions { get; set; } = DefaultMultiRegionOutageRegions;
}
