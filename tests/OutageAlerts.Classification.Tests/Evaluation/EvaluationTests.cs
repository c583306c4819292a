using Xunit.Abstractions;

namespace OutageAlerts.Classification.Tests.Evaluation;

/// <summary>
/// Scores the engine on the public labelled sample (shared/eval/public.jsonl beside the repo) and on the
/// project's own dev set, printing per-language figures and failing below floors set just under what it achieves.
/// </summary>
public class EvaluationTests(ITestOutputHelper output)
{
    private static string? FindPublicSample()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "eval", "public.jsonl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private EvaluationScorer Score(string path)
    {
        var scorer = new EvaluationScorer();
        foreach (var item in EvaluationItem.Load(path))
        {
            scorer.Add(item, TestEngine.Classifier.Classify(new Report(item.Id, item.Title, item.Summary, item.Published, null, item.Source)));
        }

        output.WriteLine(scorer.Report(path));
        foreach (var m in scorer.Mismatches)
        {
            output.WriteLine(m);
        }

        return scorer;
    }

    private static void AssertFloors(EvaluationScorer scorer, double f1, double severityExact, double targetsF1, double region, double killed)
    {
        foreach (var (lang, s) in scorer.ByLanguage)
        {
            Assert.True(s.F1 >= f1, $"{lang} alert F1 {s.F1:F3} < {f1}");
            Assert.True(s.SeverityExactRate >= severityExact, $"{lang} severity exact {s.SeverityExactRate:F3} < {severityExact}");
            Assert.True(s.TargetF1 >= targetsF1, $"{lang} targets F1 {s.TargetF1:F3} < {targetsF1}");
            Assert.True(s.RegionAccuracy >= region, $"{lang} region {s.RegionAccuracy:F3} < {region}");
            Assert.True(s.KilledAccuracy >= killed, $"{lang} killed {s.KilledAccuracy:F3} < {killed}");
        }
    }

    [Fact]
    public void PublicSample_ScoresAboveFloors()
    {
        var path = FindPublicSample();
        if (path is null)
        {
            output.WriteLine("SKIPPED: shared/eval/public.jsonl not found above " + AppContext.BaseDirectory);
            return;
        }

        var scorer = Score(path);
        AssertFloors(scorer, f1: 0.95, severityExact: 0.95, targetsF1: 0.93, region: 0.9, killed: 0.95);
        var en = scorer.ByLanguage["en"];
        Assert.True(en.Recall >= 0.8, $"English recall {en.Recall:F3} < 0.8");
        Assert.Equal(0, en.FalsePositive);
    }

    [Fact]
    public void DevSet_ScoresAboveFloors()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Evaluation", "dev.jsonl");
        var items = EvaluationItem.Load(path);
        Assert.True(items.Count >= 50);
        Assert.True(items.Count(i => !i.Expect.Alert) >= items.Count * 0.4, "dev set needs at least 40% hard negatives");
        var scorer = Score(path);
        AssertFloors(scorer, f1: 0.95, severityExact: 0.95, targetsF1: 0.95, region: 0.9, killed: 0.95);
    }
}
