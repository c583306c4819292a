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

    /// <summary>Per-language minimums, set just under what the engine achieves on each set.</summary>
    private sealed record Floors(double F1, double SeverityExact, double SeverityWithinOne, double TargetsF1, double Region, double Killed);

    /// <summary>The public sample taught the rules, so its floors sit near its (optimistic) figures.</summary>
    private static readonly Floors PublicFloors = new(F1: 0.95, SeverityExact: 0.95, SeverityWithinOne: 0.95, TargetsF1: 0.95, Region: 0.93, Killed: 0.95);

    /// <summary>The dev set was tuned on after its first run (see docs/classification.md for the blind first-run figures).</summary>
    private static readonly Floors DevFloors = new(F1: 0.98, SeverityExact: 0.97, SeverityWithinOne: 0.98, TargetsF1: 0.98, Region: 0.98, Killed: 0.98);

    /// <summary>
    /// The blind third of the new dev items, scored once after all tuning ended (docs/classification.md); its floors
    /// guard against regressions and must never be raised by tuning on these items.
    /// </summary>
    private static readonly Floors BlindFloors = new(F1: 0.94, SeverityExact: 0.90, SeverityWithinOne: 0.93, TargetsF1: 0.90, Region: 0.95, Killed: 0.98);

    private static void AssertFloors(EvaluationScorer scorer, Floors floors)
    {
        foreach (var (lang, s) in scorer.ByLanguage)
        {
            Assert.True(s.F1 >= floors.F1, $"{lang} alert F1 {s.F1:F3} < {floors.F1}");
            Assert.True(s.SeverityExactRate >= floors.SeverityExact, $"{lang} severity exact {s.SeverityExactRate:F3} < {floors.SeverityExact}");
            Assert.True(s.SeverityWithinOneRate >= floors.SeverityWithinOne, $"{lang} severity within one {s.SeverityWithinOneRate:F3} < {floors.SeverityWithinOne}");
            Assert.True(s.TargetF1 >= floors.TargetsF1, $"{lang} targets F1 {s.TargetF1:F3} < {floors.TargetsF1}");
            Assert.True(s.RegionAccuracy >= floors.Region, $"{lang} region {s.RegionAccuracy:F3} < {floors.Region}");
            Assert.True(s.KilledAccuracy >= floors.Killed, $"{lang} killed {s.KilledAccuracy:F3} < {floors.Killed}");
        }
    }

    private static string DevPath(string file) => Path.Combine(AppContext.BaseDirectory, "Evaluation", file);

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
        AssertFloors(scorer, PublicFloors);
        var en = scorer.ByLanguage["en"];
        Assert.True(en.Recall >= 0.8, $"English recall {en.Recall:F3} < 0.8");
        Assert.Equal(0, en.FalsePositive);
    }

    [Fact]
    public void DevSet_ScoresAboveFloors()
    {
        var scorer = Score(DevPath("dev.jsonl"));
        Assert.Equal(3, scorer.ByLanguage.Keys.Count(k => k != "all"));
        AssertFloors(scorer, DevFloors);
    }

    [Fact]
    public void DevBlindSet_ScoresAboveFloors()
    {
        var scorer = Score(DevPath("dev-blind.jsonl"));
        Assert.Equal(3, scorer.ByLanguage.Keys.Count(k => k != "all"));
        AssertFloors(scorer, BlindFloors);
    }

    [Theory]
    [InlineData("dev.jsonl", 450)]
    [InlineData("dev-blind.jsonl", 150)]
    public void DevSets_AreLargeMultilingualAndRichInHardNegatives(string file, int minimum)
    {
        var items = EvaluationItem.Load(DevPath(file));
        Assert.True(items.Count >= minimum, $"{file} has {items.Count} items");
        Assert.Equal(items.Count, items.Select(i => i.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.True(items.Count(i => !i.Expect.Alert) >= items.Count * 0.4, $"{file} needs at least 40% hard negatives");

        // Roughly 45% English, 30% Ukrainian, 25% Russian.
        double Share(string lang) => (double)items.Count(i => i.Lang == lang) / items.Count;
        Assert.InRange(Share("en"), 0.38, 0.52);
        Assert.InRange(Share("uk"), 0.24, 0.36);
        Assert.InRange(Share("ru"), 0.19, 0.31);

        // Every alert belongs to an incident; several incidents have more than one report, each from its own source.
        Assert.All(items.Where(i => i.Expect.Alert), i => Assert.False(string.IsNullOrEmpty(i.Expect.Incident), i.Id));
        Assert.All(items.Where(i => !i.Expect.Alert), i => Assert.Null(i.Expect.Incident));
        var incidents = items.Where(i => i.Expect.Incident is not null).GroupBy(i => i.Expect.Incident!).Where(g => g.Count() > 1).ToList();
        Assert.True(incidents.Count >= 3, $"{file} has {incidents.Count} multi-report incidents");
        Assert.All(incidents, g => Assert.Equal(g.Count(), g.Select(i => i.Source).Distinct(StringComparer.Ordinal).Count()));
    }
}
