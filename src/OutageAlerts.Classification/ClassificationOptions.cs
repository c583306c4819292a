namespace OutageAlerts.Classification;

/// <summary>Engine settings bound from <c>OutageAlerts:Classification</c>.</summary>
public sealed class ClassificationOptions
{
    public const string SectionName = "OutageAlerts:Classification";

    /// <summary>
    /// Optional folder whose lexicon, number and gazetteer files replace the embedded ones of the same name
    /// (lexicon-en.json, numbers.json, gazetteer.json…), so operators can extend them without a rebuild.
    /// </summary>
    public string? DataDirectory { get; set; }
}
