using OutageAlerts.Classification.Figures;
using OutageAlerts.Classification.Scoring;
using OutageAlerts.Contracts;

namespace OutageAlerts.Classification.Tests.Scoring;

public class SeverityRulesTests
{
    private static Severity Evaluate(
        CasualtyFigures? casualties = null,
        OutageFigures? outage = null,
        string[]? targets = null,
        bool energy = false,
        bool nuclear = false,
        bool bigCity = false,
        int outageRegions = 0,
        SeverityOptions? options = null)
    {
        var rules = new SeverityRules(options ?? new SeverityOptions());
        var input = new SeverityInput(casualties ?? new CasualtyFigures(), outage ?? new OutageFigures(), targets ?? [], energy, nuclear, bigCity, outageRegions);
        var reasons = new List<string>();
        var level = rules.Evaluate(input, reasons);
        Assert.NotEmpty(reasons);
        return level;
    }

    [Theory]
    [InlineData(10, null, Severity.Extreme)]
    [InlineData(9, null, Severity.Severe)]
    [InlineData(1, null, Severity.Severe)]
    [InlineData(null, 10, Severity.Severe)]
    [InlineData(null, 9, Severity.Moderate)]
    [InlineData(null, 1, Severity.Moderate)]
    public void Evaluate_Casualties_FollowThresholds(int? killed, int? injured, Severity expected)
    {
        Assert.Equal(expected, Evaluate(new CasualtyFigures { Killed = killed, Injured = injured }, targets: ["residential"]));
    }

    [Fact]
    public void Evaluate_DozensInjured_IsSevere()
    {
        Assert.Equal(Severity.Severe, Evaluate(new CasualtyFigures { InjuredMany = true, InjuredUncounted = true }));
    }

    [Theory]
    [InlineData(500_000, Severity.Extreme)]
    [InlineData(10_000, Severity.Severe)]
    [InlineData(9_999, Severity.Moderate)]
    public void Evaluate_OutageCustomers_FollowThresholds(long customers, Severity expected)
    {
        var outage = new OutageFigures { Present = true, Customers = customers, CustomerEquivalent = customers, Services = ["power_grid"] };
        Assert.Equal(expected, Evaluate(outage: outage, targets: ["power_grid"], energy: true));
    }

    [Fact]
    public void Evaluate_WholeCityBlackout_IsExtremeOnlyInBigCity()
    {
        var outage = new OutageFigures { Present = true, WholeCity = true, Services = ["power_grid"] };
        Assert.Equal(Severity.Extreme, Evaluate(outage: outage, energy: true, bigCity: true));
        Assert.Equal(Severity.Severe, Evaluate(outage: outage, energy: true, bigCity: false));
    }

    [Fact]
    public void Evaluate_OutagesInSeveralRegions_IsExtreme()
    {
        Assert.Equal(Severity.Extreme, Evaluate(outage: new OutageFigures { Present = true, MultiRegion = true }, energy: true));
        Assert.Equal(Severity.Extreme, Evaluate(outage: new OutageFigures { Present = true }, energy: true, outageRegions: 3));
    }

    [Fact]
    public void Evaluate_NuclearSupply_IsExtreme() => Assert.Equal(Severity.Extreme, Evaluate(nuclear: true, energy: true));

    [Fact]
    public void Evaluate_HospitalWithUncountedCasualties_IsSevere()
    {
        Assert.Equal(Severity.Severe, Evaluate(new CasualtyFigures { InjuredUncounted = true }, targets: ["medical"]));
    }

    [Fact]
    public void Evaluate_EnergyHitWithoutFigures_IsModerate() => Assert.Equal(Severity.Moderate, Evaluate(energy: true, targets: ["power_grid"]));

    [Fact]
    public void Evaluate_EnergyHitSupplyUnaffected_IsMinor()
    {
        Assert.Equal(Severity.Minor, Evaluate(outage: new OutageFigures { SupplyUnaffected = true }, energy: true, targets: ["power_grid"]));
    }

    [Fact]
    public void Evaluate_PropertyDamageOnly_IsMinor() => Assert.Equal(Severity.Minor, Evaluate(targets: ["residential"]));

    [Fact]
    public void Evaluate_ConfiguredThreshold_IsHonoured()
    {
        var options = new SeverityOptions { ExtremeKilled = 5 };
        Assert.Equal(Severity.Extreme, Evaluate(new CasualtyFigures { Killed = 5 }, options: options));
    }
}
