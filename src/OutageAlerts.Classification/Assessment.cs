using OutageAlerts.Contracts;

namespace OutageAlerts.Classification;

/// <summary>What the engine decided about one report, with the reasons that explain it.</summary>
public sealed record Assessment
{
    public required bool Alert { get; init; }
    public required Severity Severity { get; init; }
    public required Urgency Urgency { get; init; }
    public required Certainty Certainty { get; init; }
    public IReadOnlyList<string> Targets { get; init; } = [];
    public string? Country { get; init; }

    /// <summary>The most specific ISO 3166-2 region, when the report names exactly one.</summary>
    public string? Region { get; init; }

    /// <summary>Every ISO 3166-2 region the report names.</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];
    public int? Killed { get; init; }
    public int? Injured { get; init; }
    public long? OutageCustomers { get; init; }

    /// <summary>ISO 639-1 language of the report (detected when not given).</summary>
    public required string Language { get; init; }

    /// <summary>The place that anchors the alert's area, when the gazetteer knows it.</summary>
    public Place? Place { get; init; }

    /// <summary>Human-readable trace of what fired, e.g. "12 killed → Extreme".</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];
}

/// <summary>A gazetteer entry: a named place with its codes and coordinates.</summary>
public sealed record Place(string Name, string Country, string? Region, double Latitude, double Longitude, double RadiusKm);
