using System.Globalization;
using BenchmarkDotNet.Attributes;
using OutageAlerts.Classification;
using OutageAlerts.Incidents;
using OutageAlerts.Incidents.Correlation;

namespace OutageAlerts.Benchmarks;

/// <summary>
/// The facts correlation keeps of one classified report (headline, description, the name and content keys of its
/// text): computed for every new item, before the incident transaction. One English and one Ukrainian report.
/// </summary>
[MemoryDiagnoser]
public class ReportFactsBenchmarks
{
    private readonly StrikeClassifier _classifier = StrikeClassifier.CreateDefault();
    private ClassifiedReport _english = null!;
    private ClassifiedReport _ukrainian = null!;

    [GlobalSetup]
    public void Setup()
    {
        var published = new DateTimeOffset(2026, 11, 30, 4, 0, 0, TimeSpan.Zero);
        _english = Classify(
            "en",
            "Missile strike on Kharkiv thermal power plant leaves 40,000 households without heating",
            "A ballistic missile hit the CHP-5 plant in Kharkiv before dawn on Monday, Governor Syniehubov said. Two workers "
            + "were killed and seven injured; repair crews of the city's utility cannot reach the site until the fire is out.",
            published);
        _ukrainian = Classify(
            "uk",
            "Удар по підстанції в Сумах: без світла понад 30 тисяч родин",
            "Вночі російський дрон влучив у підстанцію на околиці Сум, повідомив голова ОВА Олег Григоров. Загинула одна людина, "
            + "ще троє поранені. Енергетики відновлюють живлення лікарні та водоканалу.",
            published);
    }

    [Benchmark]
    public object English() => ReportFacts.From(_english);

    [Benchmark]
    public object Ukrainian() => ReportFacts.From(_ukrainian);

    private ClassifiedReport Classify(string id, string title, string summary, DateTimeOffset published)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"bench:{id}");
        var report = new Report(key, title, summary, published, "bench");
        return new ClassifiedReport("bench", key, key, null, report, _classifier.Classify(report), published);
    }
}
