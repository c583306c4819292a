using OutageAlerts.Classification.Lexicon;

namespace OutageAlerts.Classification.Places;

/// <summary>Where a report is about.</summary>
internal sealed record PlaceResolution
{
    public string? Country { get; init; }

    /// <summary>The single region the report is about, or null for multi-region and national reports.</summary>
    public string? Region { get; init; }

    /// <summary>Every region named, strongest first.</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];

    /// <summary>The place that anchors the report (most weight).</summary>
    public GazetteerEntry? Anchor { get; init; }

    /// <summary>Distinct regions named in sentences that report an outage.</summary>
    public int OutageRegionCount { get; init; }

    public IReadOnlyList<(int Start, int End)> TargetMasks { get; init; } = [];

    public IReadOnlyList<string> Reasons { get; init; } = [];
}
