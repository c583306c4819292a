using OutageAlerts.Contracts;
using OutageAlerts.Incidents.Replay;
using Xunit.Abstractions;

namespace OutageAlerts.Incidents.Tests.Evaluation;

/// <summary>
/// Correlation alone, measured with the labels as the classifier's output: on the real timeline and with incidents
/// packed into a few nights. Floors sit a little under the figures recorded in docs/incidents.md.
/// </summary>
public sealed class CorrelationEvaluationTests(ITestOutputHelper output)
{
    private const double RecallFloor = 0.95;
    private const double PrecisionFloor = 0.95;
    private const double SplitCeiling = 0.10;
    private const double MergeCeiling = 0.10;
    private const double TollFloor = 0.90;
    private static readonly int[] Seeds = [1, 2, 3, 4, 5];

    [Fact]
    public async Task Replay_DevSetRealTimeline_MeetsTheFloors()
    {
        var items = LabelledItem.Load(EvaluationData.DevSet);

        var metrics = await MeasureAsync(items);

        AssertFloors(metrics);
    }

    [Fact]
    public async Task Replay_DevSetPackedIntoTwoNights_MeetsTheFloors()
    {
        var items = LabelledItem.Load(EvaluationData.DevSet);

        var all = new List<CorrelationMetrics>();
        foreach (var seed in Seeds)
        {
            all.Add(await MeasureAsync(TimelinePacker.Pack(items, days: 2, seed)));
        }

        AssertFloors(CorrelationMetrics.Average(all));
    }

    [PublicSampleFact]
    public async Task Replay_PublicSampleRealTimeline_MeetsTheFloors()
    {
        var items = LabelledItem.Load(EvaluationData.PublicSample!);

        var metrics = await MeasureAsync(items);

        AssertFloors(metrics);
    }

    [PublicSampleFact]
    public async Task Replay_PublicSamplePackedIntoTenNights_MeetsTheFloors()
    {
        var items = LabelledItem.Load(EvaluationData.PublicSample!);

        var all = new List<CorrelationMetrics>();
        foreach (var seed in Seeds)
        {
            all.Add(await MeasureAsync(TimelinePacker.Pack(items, days: 10, seed)));
        }

        AssertFloors(CorrelationMetrics.Average(all));
    }

    [PublicSampleFact]
    public async Task Replay_PublicSamplePackedIntoThreeNights_StaysUsable()
    {
        var items = LabelledItem.Load(EvaluationData.PublicSample!);

        var all = new List<CorrelationMetrics>();
        foreach (var seed in Seeds)
        {
            all.Add(await MeasureAsync(TimelinePacker.Pack(items, days: 3, seed)));
        }

        var average = CorrelationMetrics.Average(all);
        Assert.True(average.MergeRate <= 0.15 && average.SplitRate <= 0.15, average.ToString());
    }

    private async Task<CorrelationMetrics> MeasureAsync(IReadOnlyList<LabelledItem> items)
    {
        var alerts = await IncidentReplay.RunAsync(items.Select(i => i.ToClassified()));
        var metrics = CorrelationMetrics.Measure(items, alerts);
        output.WriteLine(metrics.ToString());
        Explain(items, alerts);
        return metrics;
    }

    private void Explain(IReadOnlyList<LabelledItem> items, IReadOnlyList<Alert> alerts)
    {
        var incidentOf = items.ToDictionary(i => i.Id, i => i.Expect.Incident ?? "-");
        foreach (var alert in alerts.GroupBy(a => a.AlertId))
        {
            var labels = alert.SelectMany(a => a.Sources).Select(s => incidentOf[s.ItemId]).Distinct().ToList();
            if (labels.Count > 1)
            {
                output.WriteLine($"  merged {alert.Key}: {string.Join(" ", alert.Last().Sources.Select(s => $"{s.ItemId}/{incidentOf[s.ItemId]}"))}");
            }
        }

        foreach (var incident in items.Where(i => i.Expect.Incident is not null).GroupBy(i => i.Expect.Incident!))
        {
            var ids = incident.Select(i => i.Id).ToHashSet();
            var holders = alerts.Where(a => a.Sources.Any(s => ids.Contains(s.ItemId))).Select(a => a.AlertId).Distinct().ToList();
            if (holders.Count == 0)
            {
                output.WriteLine($"  missed {incident.Key}: {string.Join(" ", ids)}");
            }

            if (holders.Count > 1)
            {
                output.WriteLine($"  split {incident.Key}: {string.Join(" ", holders)}");
            }
        }
    }

    private void AssertFloors(CorrelationMetrics metrics)
    {
        output.WriteLine("=> " + metrics);
        Assert.True(metrics.IncidentRecall >= RecallFloor, metrics.ToString());
        Assert.True(metrics.AlertPrecision >= PrecisionFloor, metrics.ToString());
        Assert.True(metrics.SplitRate <= SplitCeiling, metrics.ToString());
        Assert.True(metrics.MergeRate <= MergeCeiling, metrics.ToString());
        Assert.True(metrics.TollAccuracy >= TollFloor, metrics.ToString());
        Assert.True(metrics.VersionsWellFormed, metrics.ToString());
    }
}
