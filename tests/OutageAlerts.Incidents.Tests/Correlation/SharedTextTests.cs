using System.Text.Json;
using OutageAlerts.Incidents.Correlation;
using OutageAlerts.Incidents.Persistence;

namespace OutageAlerts.Incidents.Tests.Correlation;

public sealed class SharedTextTests
{
    private static readonly ReportFacts First = ReportFacts.From(Reports.Make(
        "st-1", "Drone strike on Kharkiv substation", "Governor Syniehubov said the Saltivka district lost power after the strike.", Reports.Night));

    private static readonly ReportFacts Second = ReportFacts.From(Reports.Make(
        "st-2", "Drone strike on Kharkiv substation again", "A second drone hit the same substation in Kharkiv and the district lost power.", Reports.Night.AddHours(1)));

    [Fact]
    public void Read_TwoReportsFacts_ShareTheTextsTheyRepeat()
    {
        var first = RoundTrip(First);
        var second = RoundTrip(Second);

        Assert.Equal("UA", first.Country);
        Assert.Same(first.Feed, second.Feed);
        Assert.Same(first.Country, second.Country);
        Assert.Same(first.Language, second.Language);
        Assert.NotEmpty(first.Targets);
        Assert.Same(first.Targets[0], second.Targets[0]);
        var repeated = first.Reasons.Intersect(second.Reasons, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(repeated);
        Assert.All(repeated, reason => Assert.Same(first.Reasons.First(r => r == reason), second.Reasons.First(r => r == reason)));
    }

    [Fact]
    public void Read_FactsReadBack_EqualTheFactsWritten()
    {
        var read = RoundTrip(First);

        Assert.Equal(First.Feed, read.Feed);
        Assert.Equal(First.Country, read.Country);
        Assert.Equal(First.Region, read.Region);
        Assert.Equal(First.Regions, read.Regions);
        Assert.Equal(First.Targets, read.Targets);
        Assert.Equal(First.Reasons, read.Reasons);
        Assert.Equal(First.Language, read.Language);
        Assert.Equal(First.Headline, read.Headline);
        Assert.Equal(First.Description, read.Description);
        Assert.Equal(
            JsonSerializer.Serialize(First, IncidentStore.Json),
            JsonSerializer.Serialize(read, IncidentStore.Json));
    }

    [Fact]
    public void Read_HeadlineAsTheTitle_IsTheTitlesInstance()
    {
        var read = RoundTrip(First);

        Assert.Equal(First.Title, First.Headline);
        Assert.Same(read.Title, read.Headline);
    }

    [Fact]
    public void Read_HeadlineOtherThanTheTitle_IsKept()
    {
        var read = RoundTrip(First with { Headline = "Strike on a power facility" });

        Assert.Equal("Strike on a power facility", read.Headline);
        Assert.Equal(First.Title, read.Title);
    }

    [Fact]
    public void Read_EscapedAndNonAsciiTexts_ReadAsWritten()
    {
        var facts = First with { Reasons = ["attack: \"drone\"", "target: \"підстанція\" → power_grid", "tab\there"] };

        var read = RoundTrip(facts);
        var again = RoundTrip(facts);

        Assert.Equal(facts.Reasons, read.Reasons);
        Assert.All(read.Reasons.Zip(again.Reasons), pair => Assert.Same(pair.First, pair.Second));
    }

    [Fact]
    public void Share_LongerThanMaxChars_IsACopyEachTime()
    {
        var text = new string('x', SharedText.MaxChars + 1);

        var first = SharedText.Share(text);
        var second = SharedText.Share(text);

        Assert.Equal(text, first);
        Assert.NotSame(first, second);
    }

    [Fact]
    public void Share_SameTextFromDifferentBuffers_IsOneInstance()
    {
        var first = SharedText.Share("outage: \"blackout\" → power_grid".AsSpan());
        var second = SharedText.Share(new string("outage: \"blackout\" → power_grid".ToCharArray()));

        Assert.Same(first, second);
    }

    [Theory]
    [InlineData("""{"itemKey":"k","feed":"f","itemId":"i","published":"2026-03-02T01:40:00Z","fetchedAt":"2026-03-02T01:40:00Z","reasons":"one"}""")]
    [InlineData("""{"itemKey":"k","feed":"f","itemId":"i","published":"2026-03-02T01:40:00Z","fetchedAt":"2026-03-02T01:40:00Z","targets":["medical",3]}""")]
    [InlineData("""{"itemKey":"k","feed":7,"itemId":"i","published":"2026-03-02T01:40:00Z","fetchedAt":"2026-03-02T01:40:00Z"}""")]
    public void Read_NotStrings_ThrowsJsonException(string json) =>
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<ReportFacts>(json, IncidentStore.Json));

    [Fact]
    public void Read_NullCountryAndEmptyOrMissingLists_ReadAsNullAndEmpty()
    {
        const string Json = """{"itemKey":"k","feed":"f","itemId":"i","published":"2026-03-02T01:40:00Z","fetchedAt":"2026-03-02T01:40:00Z","country":null,"targets":[]}""";

        var read = JsonSerializer.Deserialize<ReportFacts>(Json, IncidentStore.Json)!;

        Assert.Null(read.Country);
        Assert.Empty(read.Targets);
        Assert.Empty(read.Reasons);
    }

    private static ReportFacts RoundTrip(ReportFacts facts) =>
        JsonSerializer.Deserialize<ReportFacts>(JsonSerializer.SerializeToUtf8Bytes(facts, IncidentStore.Json), IncidentStore.Json)!;
}
