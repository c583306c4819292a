using OutageAlerts.Incidents.Correlation;

namespace OutageAlerts.Incidents.Tests.Correlation;

public sealed class ReportFactsTests
{
    private static readonly ReportFacts Whole = ReportFacts.From(Reports.Make(
        "rf-1", "Drone strike on Kharkiv substation, two killed", "Governor Syniehubov said the Saltivka district lost power after the strike.",
        Reports.Night, killed: 2, place: Reports.KharkivCity));

    [Fact]
    public void ForMatching_WholeFacts_DropsTheAlertTextsOnly()
    {
        var matching = Whole.ForMatching();

        Assert.True(matching.ForMatchingOnly);
        Assert.False(Whole.ForMatchingOnly);
        Assert.Null(matching.Title);
        Assert.Null(matching.Url);
        Assert.Equal("", matching.Headline);
        Assert.Equal("", matching.Description);
        Assert.Empty(matching.Reasons);
        // Everything matching reads is the same.
        Assert.Equal((Whole.ItemKey, Whole.Feed, Whole.ItemId, Whole.Published, Whole.FetchedAt), (matching.ItemKey, matching.Feed, matching.ItemId, matching.Published, matching.FetchedAt));
        Assert.Equal((Whole.Country, Whole.Region, Whole.Place), (matching.Country, matching.Region, matching.Place));
        Assert.Same(Whole.Regions, matching.Regions);
        Assert.Same(Whole.Targets, matching.Targets);
        Assert.Equal((Whole.Killed, Whole.Injured, Whole.OutageCustomers, Whole.Severity), (matching.Killed, matching.Injured, matching.OutageCustomers, matching.Severity));
        Assert.Same(Whole.NameKeys, matching.NameKeys);
        Assert.Same(Whole.ProperNameKeys, matching.ProperNameKeys);
        Assert.Same(Whole.ContentKeys, matching.ContentKeys);
        Assert.Equal(ReportFacts.ContentSimilarity(Whole, Whole), ReportFacts.ContentSimilarity(matching, Whole));
    }

    [Fact]
    public void ForMatching_Twice_IsTheSameCopy()
    {
        var matching = Whole.ForMatching();

        Assert.Same(matching, matching.ForMatching());
    }

    [Fact]
    public void ForMatching_WholeFacts_LeavesThemWhole()
    {
        _ = Whole.ForMatching();

        Assert.Equal("Drone strike on Kharkiv substation, two killed", Whole.Title);
        Assert.NotEmpty(Whole.Reasons);
        Assert.NotEmpty(Whole.Description);
    }
}
