using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Wording;

namespace OutageAlerts.Delivery.Tests.Wording;

public class AlertWordingTests
{
    [Fact]
    public void Subject_AlertWithoutEvent_NamesTargetsAndPlace()
    {
        var alert = SampleAlerts.Kharkiv() with { Event = " " };

        Assert.Equal("[SEVERE] Strike on energy infrastructure and homes — Kharkiv oblast (UA-63)",
            AlertWording.Subject(AlertEventKind.Raised, alert));
    }

    [Theory]
    [InlineData(AlertEventKind.Raised, "[EXTREME] Drone strike on energy infrastructure — Kharkiv oblast (UA-63)")]
    [InlineData(AlertEventKind.Updated, "[EXTREME] Update: Drone strike on energy infrastructure — Kharkiv oblast (UA-63)")]
    [InlineData(AlertEventKind.Cancelled, "[CANCELLED] Drone strike on energy infrastructure — Kharkiv oblast (UA-63)")]
    public void Subject_EventKind_PrefixesSeverityOrCancellation(AlertEventKind kind, string expected)
    {
        Assert.Equal(expected, AlertWording.Subject(kind, SampleAlerts.Kharkiv(severity: Severity.Extreme)));
    }

    [Fact]
    public void Place_NoArea_FallsBackToRegionsThenCountry()
    {
        var regionsOnly = SampleAlerts.Kharkiv() with { Area = null, Regions = ["UA-63", "UA-59"] };
        var countryOnly = regionsOnly with { Regions = [] };

        Assert.Equal("Kharkiv oblast (UA-63), Sumy oblast (UA-59)", AlertWording.Place(regionsOnly));
        Assert.Equal("Ukraine", AlertWording.Place(countryOnly));
    }

    [Fact]
    public void Place_RegionNotInTable_KeepsAreaNameAndCodes()
    {
        var alert = SampleAlerts.Kharkiv() with { Country = "SD", Regions = ["SD-KH"], Area = new Contracts.AlertArea("Khartoum", 15.5, 32.5, 20) };

        Assert.Equal("Khartoum (SD-KH)", AlertWording.Place(alert));
    }

    [Fact]
    public void Subject_Ukrainian_UsesUkrainianEventAndRegionButEnglishSeverityTag()
    {
        var alert = SampleAlerts.Kharkiv(severity: Severity.Extreme) with { Targets = ["power_grid", "water", "residential"] };

        Assert.Equal("[EXTREME] Удар по енергетичній інфраструктурі, водопостачанню та житлових будинках — Харківська область (UA-63)",
            AlertWording.Subject(AlertEventKind.Raised, alert, WordingLocale.Ukrainian));
    }

    [Theory]
    [InlineData(null, "uk", "uk")]
    [InlineData("en", "uk", "en")]
    [InlineData(null, "ru", "en")]
    [InlineData("uk", "en", "uk")]
    [InlineData(null, null, "en")]
    public void For_SubscriptionThenAlertLanguage_PicksLocale(string? subscription, string? alert, string expected)
    {
        Assert.Equal(expected, WordingLocale.For(subscription, alert).Code);
    }

    [Fact]
    public void EventFromTargets_ThreeTargets_JoinsWithCommaAndAnd()
    {
        var alert = SampleAlerts.Kharkiv() with { Targets = ["power_grid", "heating", "water"] };

        Assert.Equal("Strike on energy infrastructure, heating supply and water supply", AlertWording.EventFromTargets(alert));
    }
}
