namespace OutageAlerts.Classification.Tests.Targets;

public class TargetExtractorTests
{
    [Theory]
    [InlineData("Missile hits thermal power plant in Kharkiv", "power_grid,heating")]
    [InlineData("Drone hits boiler house in Sumy", "heating")]
    [InlineData("Strike damages water pumping station in Mykolaiv", "water")]
    [InlineData("Shelling damages church and museum in Kherson", "religious_cultural")]
    [InlineData("Bomb hits aid convoy near Khan Younis", "humanitarian")]
    [InlineData("Ракета влучила в школу та багатоповерхівку в Одесі", "residential,education")]
    [InlineData("Дрон атаковал автобус в Херсоне", "transport")]
    public void Classify_HitSite_MapsToVocabulary(string title, string expected)
    {
        var a = TestEngine.Classify(title);
        Assert.True(a.Alert, string.Join(" | ", a.Reasons));
        Assert.Equal(expected.Split(','), a.Targets);
    }

    [Fact]
    public void Classify_ConsequencesOnly_AreNotTargets()
    {
        var a = TestEngine.Classify("Missile strike on substation in Kyiv", "Three people were injured and taken to hospital. Schools switched to remote learning.");
        Assert.DoesNotContain("medical", a.Targets);
        Assert.DoesNotContain("education", a.Targets);
        Assert.Contains("power_grid", a.Targets);
    }

    [Fact]
    public void Classify_OutageFromStrike_AddsCutService()
    {
        var a = TestEngine.Classify("Drone attack on Odesa substation", "The strike left parts of the city without power and water.");
        Assert.Contains("water", a.Targets);
    }

    [Theory]
    [InlineData("Missile destroys Dnipro boiler house", "A missile destroyed a boiler house overnight, leaving 47 apartment blocks and a hospital without heating.")]
    [InlineData("Черкаси: дрон влучив у котельню", "Після атаки пошкоджено котельню, без тепла залишився весь район, міська лікарня на генераторі.")]
    [InlineData("Днепр: ракета уничтожила котельную", "Без отопления остались 47 многоквартирных домов и больница.")]
    public void Classify_SitesThatOnlyLostSupply_AreNotTargets(string title, string summary)
    {
        var a = TestEngine.Classify(title, summary);
        Assert.True(a.Alert, string.Join(" | ", a.Reasons));
        Assert.Equal(["heating"], a.Targets);
    }

    [Theory]
    [InlineData("Миколаївщина: дрон пошкодив водоочисну станцію", "water")]
    [InlineData("Одеса: дрон влучив у автозаправну станцію", "commercial")]
    [InlineData("Херсон: снаряд влучив у зупинку", "transport")]
    [InlineData("Газа: авиаудар по трёхэтажному дому в Хан-Юнисе", "residential")]
    [InlineData("Курская область: дрон атаковал микроавтобус", "transport")]
    public void Classify_QualifiedStationsAndSingleSites_MapToTheirCategory(string title, string expected)
    {
        var a = TestEngine.Classify(title);
        Assert.True(a.Alert, string.Join(" | ", a.Reasons));
        Assert.Equal([expected], a.Targets);
    }
}
