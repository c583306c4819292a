using System.Globalization;
using OutageAlerts.Classification;
using OutageAlerts.Contracts;
using OutageAlerts.Incidents.Correlation;
using OutageAlerts.Incidents.Replay;
using Xunit.Abstractions;

namespace OutageAlerts.Incidents.Tests.Evaluation;

/// <summary>
/// Classification and correlation together, as <c>outage-alerts replay</c> runs them: the real classifier's
/// assessments (with its regions, places and target lists, which differ from report to report more than labels do)
/// feed the real correlator, on the real timeline and with incidents packed into ten nights as the acceptance check
/// does. The classifier is improved in parallel, so the floors sit a little under the figures in docs/incidents.md.
/// </summary>
public sealed class RealClassifierEvaluationTests(ITestOutputHelper output)
{
    private static readonly Floors SmallSetFloors = new(Recall: 0.90, Precision: 0.90, Split: 0.12, Merge: 0.10, Toll: 0.85);

    // The classification sets (translations of one event joined, see EvaluationData.LoadClassificationSet): 169 and
    // 60 incidents, so ten packed nights hold about 17 and 6 incidents each (the acceptance set: about 8).
    private static readonly Floors LargeSetFloors = new(Recall: 0.95, Precision: 0.93, Split: 0.03, Merge: 0.04, Toll: 0.92);

    // The dev set packed: twice the acceptance set's density, where one city's strikes of a night share everything
    // but the wording.
    private static readonly Floors DenseFloors = LargeSetFloors with { Merge = 0.09 };
    private const int PackedNights = 10;
    private static readonly int[] Seeds = [1, 2, 3, 4, 5];

    private sealed record Floors(double Recall, double Precision, double Split, double Merge, double Toll);

    private static readonly Lazy<StrikeClassifier> Classifier = new(() => StrikeClassifier.CreateDefault());

    [Fact]
    public async Task Replay_DevSetRealTimeline_MeetsTheFloors()
    {
        var metrics = await MeasureAsync(LabelledItem.Load(EvaluationData.DevSet));

        AssertFloors(metrics);
    }

    [Fact]
    public async Task Replay_DevSetPackedIntoTenNights_MeetsTheFloors()
    {
        var items = LabelledItem.Load(EvaluationData.DevSet);

        AssertFloors(await MeasurePackedAsync(items));
    }

    [PublicSampleFact]
    public async Task Replay_PublicSampleRealTimeline_MeetsTheFloors()
    {
        var metrics = await MeasureAsync(LabelledItem.Load(EvaluationData.PublicSample!));

        AssertFloors(metrics);
    }

    [PublicSampleFact]
    public async Task Replay_PublicSamplePackedIntoTenNights_MeetsTheFloors()
    {
        var items = LabelledItem.Load(EvaluationData.PublicSample!);

        AssertFloors(await MeasurePackedAsync(items));
    }

    [ClassificationSetsFact]
    public async Task Replay_ClassificationDevSetRealTimeline_MeetsTheFloors()
    {
        var metrics = await MeasureAsync(EvaluationData.LoadClassificationSet(EvaluationData.ClassificationDevSet!));

        AssertFloors(metrics, LargeSetFloors);
    }

    [ClassificationSetsFact]
    public async Task Replay_ClassificationDevSetPackedIntoTenNights_MeetsTheFloors()
    {
        var items = EvaluationData.LoadClassificationSet(EvaluationData.ClassificationDevSet!);

        AssertFloors(await MeasurePackedAsync(items), DenseFloors);
    }

    [ClassificationSetsFact]
    public async Task Replay_ClassificationBlindSetRealTimeline_MeetsTheFloors()
    {
        var metrics = await MeasureAsync(EvaluationData.LoadClassificationSet(EvaluationData.ClassificationBlindSet!));

        AssertFloors(metrics, LargeSetFloors);
    }

    [ClassificationSetsFact]
    public async Task Replay_ClassificationBlindSetPackedIntoTenNights_MeetsTheFloors()
    {
        var items = EvaluationData.LoadClassificationSet(EvaluationData.ClassificationBlindSet!);

        AssertFloors(await MeasurePackedAsync(items), LargeSetFloors);
    }

    private async Task<CorrelationMetrics> MeasurePackedAsync(IReadOnlyList<LabelledItem> items)
    {
        var all = new List<CorrelationMetrics>();
        foreach (var seed in Seeds)
        {
            all.Add(await MeasureAsync(TimelinePacker.Pack(items, PackedNights, seed)));
        }

        return CorrelationMetrics.Average(all);
    }

    private async Task<CorrelationMetrics> MeasureAsync(IReadOnlyList<LabelledItem> items)
    {
        var classified = items.Select(Classify).ToList();
        var alerts = await IncidentReplay.RunAsync(classified);
        var metrics = CorrelationMetrics.Measure(items, alerts);
        output.WriteLine(metrics.ToString());
        ExplainSplits(items, classified, alerts);
        return metrics;
    }

    private static ClassifiedReport Classify(LabelledItem item)
    {
        var report = new Report(item.Id, item.Title, item.Summary, item.Published, item.Lang, item.Source);
        return IncidentReplay.ToClassified(report, Classifier.Value.Classify(report));
    }

    /// <summary>For each split or merge, what the matcher saw: the scores explain which evidence was missing.</summary>
    private void ExplainSplits(IReadOnlyList<LabelledItem> items, IReadOnlyList<ClassifiedReport> classified, IReadOnlyList<Alert> alerts)
    {
        var facts = classified.ToDictionary(c => c.ItemId, ReportFacts.From, StringComparer.Ordinal);
        var incidentOf = items.ToDictionary(i => i.Id, i => i.Expect.Incident ?? "-", StringComparer.Ordinal);
        var alertOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var alert in alerts)
        {
            foreach (var source in alert.Sources)
            {
                alertOf[source.ItemId] = alert.AlertId;
            }
        }

        foreach (var incident in items.Where(i => i.Expect.Incident is not null).GroupBy(i => i.Expect.Incident!))
        {
            var holders = incident.Where(i => alertOf.ContainsKey(i.Id)).GroupBy(i => alertOf[i.Id]).ToList();
            if (holders.Count <= 1)
            {
                continue;
            }

            output.WriteLine($"  split {incident.Key}:");
            foreach (var item in incident.OrderBy(i => i.Published))
            {
                output.WriteLine($"    {item.Id} {alertOf.GetValueOrDefault(item.Id)} {Describe(facts[item.Id])}");
            }

            var groups = holders.Select(g => g.Select(i => facts[i.Id]).OrderBy(r => r.Published).ToList()).OrderBy(g => g[0].Published).ToList();
            foreach (var later in groups.Skip(1))
            {
                var score = IncidentMatcher.Score(later.MinBy(r => r.Published)!, groups[0], new Dictionary<string, int>(), new IncidentOptions());
                output.WriteLine($"    → {score}");
            }
        }

        foreach (var incident in items.Where(i => i.Expect.Incident is not null).GroupBy(i => i.Expect.Incident!))
        {
            if (incident.Any(i => alertOf.ContainsKey(i.Id)))
            {
                continue;
            }

            // Either the classifier did not alert, or the reports joined another incident without a material change.
            output.WriteLine($"  missed {incident.Key}:");
            foreach (var item in incident.OrderBy(i => i.Published))
            {
                var assessment = classified.First(c => c.ItemId == item.Id).Assessment;
                output.WriteLine($"    {item.Id} alert={assessment.Alert} {Describe(facts[item.Id])}");
            }
        }

        foreach (var alert in alerts.GroupBy(a => a.AlertId))
        {
            var sources = alert.Last().Sources.Select(s => facts[s.ItemId]).OrderBy(r => r.Published).ToList();
            if (sources.Select(r => incidentOf[r.ItemId]).Distinct(StringComparer.Ordinal).Count() <= 1)
            {
                continue;
            }

            output.WriteLine($"  merged {alert.Key}:");
            foreach (var report in sources)
            {
                output.WriteLine($"    {report.ItemId}/{incidentOf[report.ItemId]} {Describe(report)}");
            }

            var firstLabel = incidentOf[sources[0].ItemId];
            var intruder = sources.First(r => incidentOf[r.ItemId] != firstLabel);
            var before = sources.TakeWhile(r => r != intruder).ToList();
            output.WriteLine($"    → {IncidentMatcher.Score(intruder, before, new Dictionary<string, int>(), new IncidentOptions())}");
        }
    }

    private static string Describe(ReportFacts f) => string.Create(
        CultureInfo.InvariantCulture,
        $"{f.Published:MM-dd HH:mm} {f.Language} {f.Country}/{f.Region}/[{string.Join(",", f.Regions)}] place {f.Place?.Description} [{string.Join(",", f.Targets)}] k{f.Killed} i{f.Injured} names [{string.Join(" ", f.NameKeys)}] proper [{string.Join(" ", f.ProperNameKeys)}] | {f.Title}");

    private void AssertFloors(CorrelationMetrics metrics) => AssertFloors(metrics, SmallSetFloors);

    private void AssertFloors(CorrelationMetrics metrics, Floors floors)
    {
        output.WriteLine("=> " + metrics);
        Assert.True(metrics.IncidentRecall >= floors.Recall, metrics.ToString());
        Assert.True(metrics.AlertPrecision >= floors.Precision, metrics.ToString());
        Assert.True(metrics.SplitRate <= floors.Split, metrics.ToString());
        Assert.True(metrics.MergeRate <= floors.Merge, metrics.ToString());
        Assert.True(metrics.TollAccuracy >= floors.Toll, metrics.ToString());
        Assert.True(metrics.VersionsWellFormed, metrics.ToString());
    }
}
