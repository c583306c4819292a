using OutageAlerts.Contracts;
using OutageAlerts.Incidents.Correlation;

namespace OutageAlerts.Incidents.Tests.Correlation;

public sealed class IncidentMatcherTests
{
    private static readonly DateTimeOffset T0 = Reports.Night;
    private static readonly IncidentOptions Options = new();

    private static readonly ReportFacts Saltivka = Facts(Reports.Make(
        "a", "Missile hits apartment block in Kharkiv's Saltivka, three dead",
        "Governor Syniehubov said three people died in Saltivka.", T0, killed: 3, place: Reports.KharkivCity));

    [Fact]
    public void Score_SameEventInAnotherLanguage_ClearsTheThreshold()
    {
        var update = Facts(Reports.Make("b", "Харків: на Салтівці загинули семеро", "Синєгубов повідомив про сімох загиблих на Салтівці.", T0.AddHours(4), "ukr", "uk", killed: 7, place: Reports.KharkivCity));

        var score = Score(update, Saltivka);

        Assert.True(score.Possible);
        Assert.True(score.Score >= Options.MatchThreshold, score.ToString());
    }

    [Fact]
    public void Score_AnotherTownOfTheSameRegion_FallsBelowTheThreshold()
    {
        var kupiansk = Facts(Reports.Make("c", "Guided bomb hits Kupiansk homes, three dead", "Three people died in Kupiansk, the regional administration said.", T0.AddHours(1), "agency", killed: 3, place: Reports.Kupiansk));

        var score = Score(kupiansk, Saltivka);

        Assert.True(score.Score < Options.MatchThreshold, score.ToString());
        Assert.Contains(score.Evidence, e => e.StartsWith("places", StringComparison.Ordinal));
    }

    [Fact]
    public void Score_NationalRoundupAgainstRegionalIncident_FallsBelowTheThreshold()
    {
        var roundup = Facts(Reports.Make("d", "Overnight strikes across Ukraine: Kharkiv, Kyiv, Odesa hit", "Saltivka in Kharkiv among areas hit, officials said.", T0.AddHours(1), "agency", region: null, regions: ["UA-63", "UA-30", "UA-51"], killed: 3));

        var score = Score(roundup, Saltivka);

        Assert.True(score.Score < Options.MatchThreshold, score.ToString());
    }

    [Theory]
    [InlineData("PL", "UA-63", 1)]
    [InlineData("UA", "UA-51", 1)]
    [InlineData("UA", "UA-63", 40)]
    public void Score_OtherCountryRegionOrOutOfWindow_IsImpossible(string country, string region, int hoursLater)
    {
        var other = Facts(Reports.Make("e", "Missile hits Saltivka", "Syniehubov said three died in Saltivka.", T0.AddHours(hoursLater), "agency", country: country, region: region, killed: 3));

        Assert.False(Score(other, Saltivka).Possible);
    }

    [Fact]
    public void Score_TollThatCollapses_CountsAgainstTheMatch()
    {
        var big = Facts(Reports.Make("f", "Kharkiv Saltivka toll reaches 30", "Syniehubov said 30 died in Saltivka.", T0, severity: Severity.Extreme, killed: 30, place: Reports.KharkivCity));
        var small = Facts(Reports.Make("g", "Kharkiv Saltivka strike: two dead", "Syniehubov said two died in Saltivka.", T0.AddHours(3), "agency", killed: 2, place: Reports.KharkivCity));
        var rising = Facts(Reports.Make("h", "Kharkiv Saltivka strike: 34 dead", "Syniehubov said 34 died in Saltivka.", T0.AddHours(3), "agency", killed: 34, place: Reports.KharkivCity));

        Assert.True(Score(small, big).Score < Score(rising, big).Score);
        Assert.Contains(Score(small, big).Evidence, e => e.Contains("inconsistent", StringComparison.Ordinal));
    }

    [Fact]
    public void Score_SyndicatedCopy_ScoresFarAboveTheThreshold()
    {
        var copy = Facts(Reports.Make("i", "Missile hits apartment block in Kharkiv's Saltivka, three dead", "Governor Syniehubov said three people died in Saltivka.", T0.AddMinutes(30), "portal", killed: 3, place: Reports.KharkivCity));

        Assert.Contains(Score(copy, Saltivka).Evidence, e => e.StartsWith("copy", StringComparison.Ordinal));
    }

    [Fact]
    public void DistanceKm_KharkivToKupiansk_IsAboutHundredKilometres() =>
        Assert.InRange(IncidentMatcher.DistanceKm(49.99, 36.23, 49.71, 37.62), 95, 110);

    private static MatchScore Score(ReportFacts report, params ReportFacts[] incident) =>
        IncidentMatcher.Score(report, incident, new Dictionary<string, int>(), Options);

    private static ReportFacts Facts(ClassifiedReport report) => ReportFacts.From(report);
}
