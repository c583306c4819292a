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
}
