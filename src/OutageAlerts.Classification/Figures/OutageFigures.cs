namespace OutageAlerts.Classification.Figures;

/// <summary>How large an outage the report describes.</summary>
internal sealed record OutageFigures
{
    public bool Present { get; init; }

    /// <summary>Customers, households or people cut off, as stated (largest figure).</summary>
    public long? Customers { get; init; }

    /// <summary>Customer-equivalent used for severity (apartment buildings count as 100 customers each).</summary>
    public long? CustomerEquivalent { get; init; }

    public bool Local { get; init; }

    public bool WholeCity { get; init; }

    public bool WholeDistrict { get; init; }

    public bool MultiRegion { get; init; }

    /// <summary>A whole region (oblast, state) cut off: Extreme, but the report still has one region.</summary>
    public bool RegionWide { get; init; }

    public bool Nationwide { get; init; }

    public bool HalfOfCity { get; init; }

    public bool SupplyUnaffected { get; init; }

    /// <summary>Services cut off (power_grid, heating, water, gas, telecom).</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    public IReadOnlyList<string> Reasons { get; init; } = [];
}
