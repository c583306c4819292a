using System.Globalization;
using System.Text;
using OutageAlerts.Contracts;

namespace OutageAlerts.Classification.Tests.Evaluation;

/// <summary>Scores the engine against labelled items, per language, the way the eval README labels them.</summary>
public sealed class EvaluationScorer
{
    private static readonly Severity[] Ladder = [Severity.None, Severity.Minor, Severity.Moderate, Severity.Severe, Severity.Extreme];

    public sealed class Scores
    {
        public int Items { get; set; }

        public int TruePositive { get; set; }

        public int FalsePositive { get; set; }

        public int FalseNegative { get; set; }

        public int SeverityExact { get; set; }

        public int SeverityWithinOne { get; set; }

        public int TargetTp { get; set; }

        public int TargetFp { get; set; }

        public int TargetFn { get; set; }

        public int RegionCorrect { get; set; }

        public int KilledCorrect { get; set; }

        /// <summary>Items that are alerts in both label and output: the base for region and killed accuracy.</summary>
        public int BothAlert { get; set; }

        public double Precision => TruePositive + FalsePositive == 0 ? 1 : (double)TruePositive / (TruePositive + FalsePositive);

        public double Recall => TruePositive + FalseNegative == 0 ? 1 : (double)TruePositive / (TruePositive + FalseNegative);

        public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

        public double SeverityExactRate => Items == 0 ? 1 : (double)SeverityExact / Items;

        public double SeverityWithinOneRate => Items == 0 ? 1 : (double)SeverityWithinOne / Items;

        public double TargetF1
        {
            get
            {
                var p = TargetTp + TargetFp == 0 ? 1 : (double)TargetTp / (TargetTp + TargetFp);
                var r = TargetTp + TargetFn == 0 ? 1 : (double)TargetTp / (TargetTp + TargetFn);
                return p + r == 0 ? 0 : 2 * p * r / (p + r);
            }
        }

        public double RegionAccuracy => BothAlert == 0 ? 1 : (double)RegionCorrect / BothAlert;

        public double KilledAccuracy => BothAlert == 0 ? 1 : (double)KilledCorrect / BothAlert;
    }

    public Dictionary<string, Scores> ByLanguage { get; } = new(StringComparer.Ordinal);

    public List<string> Mismatches { get; } = [];

    public void Add(EvaluationItem item, Assessment actual)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(actual);
        foreach (var key in new[] { item.Lang, "all" })
        {
            if (!ByLanguage.TryGetValue(key, out var s))
            {
                s = new Scores();
                ByLanguage[key] = s;
            }

            Score(s, item.Expect, actual);
        }

        var e = item.Expect;
        var problems = new List<string>();
        if (e.Alert != actual.Alert)
        {
            problems.Add($"alert {e.Alert}≠{actual.Alert}");
        }

        if (!string.Equals(e.Severity, actual.Severity.ToString(), StringComparison.Ordinal))
        {
            problems.Add($"severity {e.Severity}≠{actual.Severity}");
        }

        if (e.Alert && actual.Alert)
        {
            if (!e.Targets.OrderBy(t => t, StringComparer.Ordinal).SequenceEqual(actual.Targets.OrderBy(t => t, StringComparer.Ordinal)))
            {
                problems.Add($"targets [{string.Join(",", e.Targets)}]≠[{string.Join(",", actual.Targets)}]");
            }

            if (e.Region != actual.Region)
            {
                problems.Add($"region {e.Region ?? "null"}≠{actual.Region ?? "null"}");
            }

            if (e.Killed != actual.Killed)
            {
                problems.Add($"killed {e.Killed?.ToString(CultureInfo.InvariantCulture) ?? "null"}≠{actual.Killed?.ToString(CultureInfo.InvariantCulture) ?? "null"}");
            }

            if (e.Injured != actual.Injured)
            {
                problems.Add($"injured {e.Injured?.ToString(CultureInfo.InvariantCulture) ?? "null"}≠{actual.Injured?.ToString(CultureInfo.InvariantCulture) ?? "null"}");
            }
        }

        if (problems.Count > 0)
        {
            Mismatches.Add($"{item.Id} [{item.Lang}] {string.Join("; ", problems)} | {string.Join(" | ", actual.Reasons)}");
        }
    }

    private static void Score(Scores s, Expectation e, Assessment a)
    {
        s.Items++;
        if (e.Alert && a.Alert)
        {
            s.TruePositive++;
        }
        else if (!e.Alert && a.Alert)
        {
            s.FalsePositive++;
        }
        else if (e.Alert && !a.Alert)
        {
            s.FalseNegative++;
        }

        var expected = Enum.Parse<Severity>(e.Severity);
        if (expected == a.Severity)
        {
            s.SeverityExact++;
        }

        if (Math.Abs(Array.IndexOf(Ladder, expected) - Array.IndexOf(Ladder, a.Severity)) <= 1)
        {
            s.SeverityWithinOne++;
        }

        var expectedTargets = e.Alert ? e.Targets : [];
        var actualTargets = a.Alert ? a.Targets : [];
        s.TargetTp += actualTargets.Count(expectedTargets.Contains);
        s.TargetFp += actualTargets.Count(t => !expectedTargets.Contains(t));
        s.TargetFn += expectedTargets.Count(t => !actualTargets.Contains(t));

        if (e.Alert && a.Alert)
        {
            s.BothAlert++;
            if (e.Region == a.Region)
            {
                s.RegionCorrect++;
            }

            if (e.Killed == a.Killed)
            {
                s.KilledCorrect++;
            }
        }
    }

    public string Report(string title)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{title}");
        sb.AppendLine("lang  items  alertP  alertR  alertF1  sevExact  sevWithin1  targetsF1  region  killed");
        foreach (var (lang, s) in ByLanguage.OrderBy(kv => kv.Key == "all" ? "zz" : kv.Key, StringComparer.Ordinal))
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{lang,-4}  {s.Items,5}  {s.Precision,6:F3}  {s.Recall,6:F3}  {s.F1,7:F3}  {s.SeverityExactRate,8:F3}  {s.SeverityWithinOneRate,10:F3}  {s.TargetF1,9:F3}  {s.RegionAccuracy,6:F3}  {s.KilledAccuracy,6:F3}");
        }

        return sb.ToString();
    }
}
