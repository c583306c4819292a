using OutageAlerts.Classification.Detection;
using OutageAlerts.Classification.Figures;
using OutageAlerts.Classification.Lexicon;
using OutageAlerts.Classification.Places;
using OutageAlerts.Classification.Text;

namespace OutageAlerts.Classification.Tests;

/// <summary>The real data files and engine, loaded once for all tests.</summary>
internal static class TestEngine
{
    private static readonly Lazy<ClassificationData> LazyData = new(() => ClassificationData.Load());
    private static readonly Lazy<StrikeClassifier> LazyClassifier = new(() => StrikeClassifier.CreateDefault());

    public static ClassificationData Data => LazyData.Value;

    public static StrikeClassifier Classifier => LazyClassifier.Value;

    public static Assessment Classify(string title, string? summary = null, string? lang = null) =>
        Classifier.Classify(new Report("t", title, summary, null, lang));

    public static Evidence Evidence(string title, string? summary = null)
    {
        var text = AnalyzedText.Create(title, summary, null);
        var matches = new List<TermMatch<TermDefinition>>();
        Data.LexiconFor(text.Language).Match(text, matches);
        return new Evidence(text, matches, []);
    }

    public static CasualtyFigures Casualties(string title, string? summary = null)
    {
        var evidence = Evidence(title, summary);
        var numbers = new NumberReader(Data.Numbers).ReadAll(evidence.Text);
        return CasualtyExtractor.Extract(evidence, numbers);
    }

    public static OutageFigures Outage(string title, string? summary = null)
    {
        var evidence = Evidence(title, summary);
        var numbers = new NumberReader(Data.Numbers).ReadAll(evidence.Text);
        var towns = new PlaceResolver(Data).Match(evidence.Text).Where(p => p.Payload.Kind is "city" or "oblast").Select(p => (p.Start, p.End)).ToList();
        return OutageExtractor.Extract(evidence, numbers, CasualtyExtractor.Extract(evidence, numbers), towns);
    }

    public static PlaceResolution Places(string title, string? summary = null)
    {
        var evidence = Evidence(title, summary);
        var resolver = new PlaceResolver(Data);
        return PlaceResolver.Resolve(evidence, resolver.Match(evidence.Text), new HashSet<int>());
    }
}
