namespace OutageAlerts.Classification.Lexicon;

/// <summary>One lexicon term as loaded from a data file.</summary>
internal sealed record TermDefinition(TermKind Kind, string Term, IReadOnlyList<string> Values)
{
    public string Value => Values.Count > 0 ? Values[0] : string.Empty;
}
