namespace OutageAlerts.Classification.Tests.Figures;

public class OutageExtractorTests
{
    [Theory]
    [InlineData("About 200,000 households were left without power.", 200_000)]
    [InlineData("Without electricity remain 200 thousand customers.", 200_000)]
    [InlineData("Знеструмлено 45 тис. абонентів.", 45_000)]
    [InlineData("Без света остаются 556 тысяч жителей.", 556_000)]
    public void Extract_CustomerCounts_AreRead(string sentence, long expected)
    {
        Assert.Equal(expected, TestEngine.Outage("Outage", sentence).Customers);
    }

    [Fact]
    public void Extract_RestoredCount_IsSkipped()
    {
        var outage = TestEngine.Outage("Outage", "Power was restored to 40,000 customers, while 90,000 customers remain without power.");
        Assert.Equal(90_000, outage.Customers);
    }

    [Fact]
    public void Extract_ApartmentBuildings_CountAsHundredCustomersEach()
    {
        var outage = TestEngine.Outage("Outage", "150 apartment buildings were left without heating.");
        Assert.Equal(15_000, outage.CustomerEquivalent);
        Assert.Contains("heating", outage.Services);
    }

    [Theory]
    [InlineData("Місто та частина району залишилися без світла.", "wholeCity")]
    [InlineData("Emergency outages were applied in several regions.", "multiRegion")]
    [InlineData("Частина міста без світла.", "local")]
    public void Extract_ScopeWords_SetScope(string sentence, string scope)
    {
        var o = TestEngine.Outage("Outage", sentence);
        var actual = scope switch
        {
            "wholeCity" => o.WholeCity,
            "multiRegion" => o.MultiRegion,
            _ => o.Local,
        };
        Assert.True(actual);
    }
}
