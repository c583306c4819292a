using OutageAlerts.Classification;
using OutageAlerts.Host.Benchmarking;
using OutageAlerts.Incidents;
using OutageAlerts.Incidents.Correlation;

namespace OutageAlerts.IntegrationTests.Benchmarking;

public sealed class OpenIncidentsProbeTests
{
    [Fact]
    public void ProbeItems_FromAnyStrikeNumber_AlertInThreeDifferentRegions()
    {
        // Regression (issue 10): consecutive strike reports may name two towns of one region (Kramatorsk and
        // Sloviansk); sent together, the second joined the first's incident and one run in two lost a probe. Every
        // place and template of BenchItems comes round within 26 × 4 numbers.
        var classifier = StrikeClassifier.CreateDefault();
        var now = DateTimeOffset.Parse("2026-03-02T01:40:00Z", System.Globalization.CultureInfo.InvariantCulture);
        for (var first = 1; first <= 26 * 4; first++)
        {
            var assessments = OpenIncidentsProbe.ProbeItems("t", first, now)
                .Select(p => classifier.Classify(new Report(p.Id, p.Title, p.Description, p.Published, "en", "bench")))
                .ToList();

            Assert.Equal(OpenIncidentsProbe.Probes, assessments.Count);
            Assert.All(assessments, a => Assert.True(a.Alert && a.Region is not null, $"probe from {first}: {a.Region}"));
            Assert.Equal(assessments.Count, assessments.Select(a => a.Region).Distinct(StringComparer.Ordinal).Count());
        }
    }
    [Fact]
    public void ProbeItems_FromAnyStrikeNumber_NoneWouldJoinAnEarlierProbesIncident()
    {
        // Regression (issue 10, session 13): probes of one template, published together, were copies of each other to
        // the correlator, and a capitalised word all reports shared was a name in common: one joined another's incident
        // now and then, though their regions differ, and the run lost it. Place, template and toll of BenchItems come
        // round within 26 × 4 × 47 numbers.
        var classifier = StrikeClassifier.CreateDefault();
        var options = new IncidentOptions();
        var now = DateTimeOffset.Parse("2026-03-02T01:40:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var joins = new List<string>();
        for (var first = 1; first <= 26 * 4 * 47; first++)
        {
            var facts = OpenIncidentsProbe.ProbeItems("t", first, now)
                .Select(p =>
                {
                    var report = new Report(p.Id, p.Title, p.Description, p.Published, "en", "bench");
                    return ReportFacts.From(new ClassifiedReport("bench", p.Id, p.Id, null, report, classifier.Classify(report), now));
                })
                .ToList();
            for (var later = 1; later < facts.Count; later++)
            {
                for (var earlier = 0; earlier < later; earlier++)
                {
                    var frequency = facts[later].NameKeys.Distinct(StringComparer.Ordinal).ToDictionary(k => k, _ => 1, StringComparer.Ordinal);
                    if (IncidentMatcher.Points(facts[later], [facts[earlier]], frequency, options) is { } points && points >= options.MatchThreshold)
                    {
                        joins.Add($"from {first}: {facts[later].Title} joins {facts[earlier].Title}: {string.Join(", ", IncidentMatcher.Score(facts[later], [facts[earlier]], frequency, options).Evidence)}");
                    }
                }
            }
        }

        Assert.True(joins.Count == 0, $"{joins.Count} joins, first: {string.Join("; ", joins.Take(5))}");
    }
}
