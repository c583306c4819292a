namespace OutageAlerts.Classification;

/// <summary>The text of one report to classify (DESIGN.md contract 1 input).</summary>
public sealed record Report(
    string Id,
    string Title,
    string? Summary,
    DateTimeOffset? Published = null,
    string? Language = null,
    string? Source = null);
