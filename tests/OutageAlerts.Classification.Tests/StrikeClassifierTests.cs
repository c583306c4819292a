using OutageAlerts.Classification.Tests.Evaluation;

namespace OutageAlerts.Classification.Tests;

public class StrikeClassifierTests
{
    private static string Describe(Assessment a) =>
        string.Join(" | ", a.Alert, a.Severity, a.Region, a.Killed, a.Injured, a.OutageCustomers, string.Join(",", a.Targets), string.Join(" / ", a.Reasons));

    /// <summary>
    /// Guards the per-thread working lists (tokens, matches): a report must come out the same whatever the thread
    /// classified before it, a much longer text included, and whichever thread classifies it.
    /// </summary>
    [Fact]
    public void Classify_ScratchListsReusedAcrossReportsAndThreads_SameAssessments()
    {
        var reports = EvaluationItem.Load(Path.Combine(AppContext.BaseDirectory, "Evaluation", "dev.jsonl"))
            .Select(i => new Report(i.Id, i.Title, i.Summary, null, null, i.Source))
            .ToList();
        var engine = TestEngine.Classifier;

        // Each report on a thread of its own: lists that start empty.
        var expected = reports.ConvertAll(r =>
        {
            string? described = null;
            var thread = new Thread(() => described = Describe(engine.Classify(r)));
            thread.Start();
            thread.Join();
            return described!;
        });

        var longReport = new Report("long", "Strike on Kharkiv", string.Join(" ", Enumerable.Repeat(reports[0].Summary ?? reports[0].Title, 400)), null, null);
        engine.Classify(longReport);
        var sequential = reports.ConvertAll(r => Describe(engine.Classify(r)));
        var parallel = new string[reports.Count];
        Parallel.For(0, reports.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = Describe(engine.Classify(reports[i])));

        Assert.Equal(expected, sequential);
        Assert.Equal(expected, parallel);
        Assert.Contains(expected, e => e.StartsWith("True", StringComparison.Ordinal));
    }

    [Fact]
    public void Classify_FullReport_FillsEveryField()
    {
        var a = TestEngine.Classify(
            "Missile strike on Zaporizhzhia substation kills two, 30,000 homes without power",
            "A Russian missile hit a substation in Zaporizhzhia overnight, killing two workers and injuring five, the regional governor said. About 30,000 households were left without electricity.");
        Assert.True(a.Alert);
        Assert.Equal(Contracts.Severity.Severe, a.Severity);
        Assert.Equal(Contracts.Urgency.Immediate, a.Urgency);
        Assert.Equal(Contracts.Certainty.Observed, a.Certainty);
        Assert.Equal(["power_grid"], a.Targets);
        Assert.Equal("UA", a.Country);
        Assert.Equal("UA-23", a.Region);
        Assert.Equal(2, a.Killed);
        Assert.Equal(5, a.Injured);
        Assert.Equal(30_000, a.OutageCustomers);
        Assert.Equal("en", a.Language);
        Assert.NotNull(a.Place);
        Assert.Contains(a.Reasons, r => r.Contains("→ Severe", StringComparison.Ordinal));
    }

    [Fact]
    public void Classify_NotAnAlert_LeavesFiguresAndPlaceEmpty()
    {
        var a = TestEngine.Classify("Storm cuts power to 50,000 in Lviv region", "Strong winds brought down lines; 50,000 customers are without power.");
        Assert.False(a.Alert);
        Assert.Null(a.Country);
        Assert.Null(a.Region);
        Assert.Null(a.Killed);
        Assert.Empty(a.Targets);
        Assert.Contains(a.Reasons, r => r.StartsWith("not an alert", StringComparison.Ordinal));
    }

    [Fact]
    public void Classify_SameReportTwice_IsDeterministic()
    {
        var first = TestEngine.Classify("Дрони атакували Одесу: пошкоджено енергооб'єкт", "Частина міста без світла.");
        var second = TestEngine.Classify("Дрони атакували Одесу: пошкоджено енергооб'єкт", "Частина міста без світла.");
        Assert.Equal(first.Reasons, second.Reasons);
        Assert.Equal(first.Severity, second.Severity);
        Assert.Equal("uk", first.Language);
    }

    [Theory]
    [InlineData("Odesa without power after drone strike on substations", Contracts.Severity.Extreme)]
    [InlineData("Izmail without power after drone strike on substations", Contracts.Severity.Severe)]
    [InlineData("Kharkiv region: drone strike on substations, some consumers without power", Contracts.Severity.Moderate)]
    public void Classify_WholeTownOutage_IsExtremeOnlyForTheBigCities(string title, Contracts.Severity expected)
    {
        var a = TestEngine.Classify(title);
        Assert.Equal(expected, a.Severity);
        Assert.Contains(a.Reasons, r => r.EndsWith("→ " + expected, StringComparison.Ordinal));
    }
}
