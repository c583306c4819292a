using OutageAlerts.Contracts;
using OutageAlerts.Incidents.Correlation;

namespace OutageAlerts.Incidents.Tests.Correlation;

public sealed class IncidentSnapshotTests
{
    private static readonly DateTimeOffset T0 = Reports.Night;

    [Fact]
    public void Build_AReportCachedForMatchingOnly_ThrowsNamingIt()
    {
        var reports = new[]
        {
            Facts("a", T0, "wire", killed: 3, injured: 10, targets: ["residential"], Severity.Severe),
            Facts("b", T0.AddHours(5), "agency", killed: 14, injured: null, targets: ["residential"], Severity.Extreme).ForMatching(),
        };

        var error = Assert.Throws<ArgumentException>(() => IncidentSnapshot.Build(reports));

        Assert.Contains("Report x:b", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ReportsInAnyOrder_FiguresFollowTheLatestPublishedIncludingRevisionsDown()
    {
        var reports = new[]
        {
            Facts("b", T0.AddHours(5), "agency", killed: 14, injured: null, targets: ["residential", "education"], Severity.Extreme),
            Facts("a", T0, "wire", killed: 3, injured: 10, targets: ["residential"], Severity.Severe),
            Facts("c", T0.AddHours(9), "third", killed: 12, injured: null, targets: ["residential"], Severity.Extreme),
        };

        var snapshot = IncidentSnapshot.Build(reports);

        Assert.Equal((12, 10), (snapshot.Killed, snapshot.Injured));
        Assert.Equal(["residential", "education"], snapshot.Targets);
        Assert.Equal(Severity.Extreme, snapshot.Severity);
        Assert.Equal(["a", "b", "c"], snapshot.Sources.Select(s => s.ItemId));
        Assert.Equal("Strike on an education facility", snapshot.Event);
        Assert.Equal("headline c", snapshot.Headline);
    }

    [Fact]
    public void Build_ThreeIndependentFeeds_CertaintyObserved()
    {
        var snapshot = IncidentSnapshot.Build([Facts("a", T0, "wire"), Facts("b", T0.AddHours(1), "agency"), Facts("c", T0.AddHours(2), "third")]);

        Assert.Equal((Certainty.Observed, 3), (snapshot.Certainty, snapshot.IndependentSources));
        Assert.Contains("reported by 3 independent sources", snapshot.Reasons);
    }

    [Fact]
    public void Build_SyndicatedCopiesInOtherFeeds_AreNotIndependent()
    {
        var copy = Facts("a", T0, "wire") with { ContentKeys = ["kharkiv", "strike", "three", "dead"] };
        var reports = new[] { copy, copy with { ItemKey = "x:b", ItemId = "b", Feed = "portal" }, copy with { ItemKey = "x:c", ItemId = "c", Feed = "aggregator" } };

        var snapshot = IncidentSnapshot.Build(reports);

        Assert.Equal((1, Certainty.Possible), (snapshot.IndependentSources, snapshot.Certainty));
    }

    private static ReportFacts Facts(string id, DateTimeOffset published, string feed, int? killed = null, int? injured = null, string[]? targets = null, Severity severity = Severity.Severe) => new()
    {
        ItemKey = "x:" + id,
        ItemId = id,
        Feed = feed,
        Published = published,
        HasPublished = true,
        FetchedAt = published,
        Killed = killed,
        Injured = injured,
        Targets = targets ?? ["residential"],
        Severity = severity,
        Certainty = Certainty.Possible,
        Headline = "headline " + id,
        ContentKeys = [id + "1", id + "2"],
    };
}
