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

    [Theory]
    [InlineData("Kremenchuk without power after strike", "Russian missiles hit an energy facility overnight.")]
    [InlineData("Удар по енергетиці", "Знеструмлено Кременчук, критична інфраструктура працює від генераторів.")]
    [InlineData("Strike on energy facility", "A missile hit an energy facility, leaving the town of Chortkiv without electricity.")]
    [InlineData("Атака дронов", "Беспилотники повредили подстанцию, без света остались несколько сёл, включая сам город.")]
    public void Extract_TownNamedAsCutOff_IsWholeCity(string title, string summary)
    {
        Assert.True(TestEngine.Outage(title, summary).WholeCity);
    }

    [Theory]
    [InlineData("Росія вдарила по енергетиці Одещини, в Ізмаїлі перебої з водою", "Пошкоджено енергетичну інфраструктуру.")]
    [InlineData("Strike on Hodeidah", "Air strikes hit the power station, leaving parts of the city without electricity.")]
    [InlineData("Kharkiv region without power after strike", "Drones hit substations overnight.")]
    [InlineData("Kyiv: 40,000 households without power", "A missile hit a substation.")]
    public void Extract_PlaceOnlyLocatingAnOutage_IsNotWholeCity(string title, string summary)
    {
        Assert.False(TestEngine.Outage(title, summary).WholeCity);
    }

    [Theory]
    [InlineData("Drones hit a warehouse in Lutsk. There were no casualties or power cuts.")]
    [InlineData("Влучання в склад. Постраждалих і знеструмлень немає.")]
    public void Extract_NegatedOutage_IsNoOutage(string sentence)
    {
        var outage = TestEngine.Outage("Strike", sentence);
        Assert.False(outage.Present);
    }

    [Theory]
    [InlineData("Power is back for 120,000 customers in Odesa, 80,000 still cut off.", 80_000)]
    [InlineData("Russian drones struck a heating plant overnight, cutting heat to about 25,000 residents.", 25_000)]
    public void Extract_CountNextToOutageWords_IsCustomers(string sentence, long expected)
    {
        Assert.Equal(expected, TestEngine.Outage("Outage", sentence).Customers);
    }
}
