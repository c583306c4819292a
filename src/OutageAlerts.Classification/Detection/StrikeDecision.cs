using OutageAlerts.Contracts;

namespace OutageAlerts.Classification.Detection;

/// <summary>Whether a report is an alert, and if not, which hard-negative class ruled it out.</summary>
internal sealed record StrikeDecision(bool Alert, string? NegativeClass, Urgency Urgency, Certainty Certainty, IReadOnlyList<string> Reasons);
