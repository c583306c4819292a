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

        Assert.Equal("UA-63, UA-59", AlertWording.Place(regionsOnly));
        Assert.Equal("UA", AlertWording.Place(countryOnly));
    }

    [Fact]
    public void EventFromTargets_ThreeTargets_JoinsWithCommaAndAnd()
    {
        var alert = SampleAlerts.Kharkiv() with { Targets = ["power_grid", "heating", "water"] };

        Assert.Equal("Strike on energy infrastructure, heating supply and water supply", AlertWording.EventFromTargets(alert));
    }
}
