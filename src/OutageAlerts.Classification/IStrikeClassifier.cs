namespace OutageAlerts.Classification;

/// <summary>The classification engine: pure and deterministic, safe to call from many threads.</summary>
public interface IStrikeClassifier
{
    Assessment Classify(Report report);
}
