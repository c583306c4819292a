using OutageAlerts.Classification;
using OutageAlerts.Host.Benchmarking;

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
}
