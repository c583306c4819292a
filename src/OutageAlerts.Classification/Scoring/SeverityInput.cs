using OutageAlerts.Classification.Figures;

namespace OutageAlerts.Classification.Scoring;

/// <summary>Everything the severity rules look at for one alert.</summary>
internal sealed record SeverityInput(
    CasualtyFigures Casualties,
    OutageFigures Outage,
    IReadOnlyCollection<string> Targets,
    bool EnergyTargetHit,
    bool NuclearSupplyAffected,
    bool BigCityAnchor,
    int OutageRegionCount);
