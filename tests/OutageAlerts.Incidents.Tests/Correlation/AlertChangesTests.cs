using OutageAlerts.Contracts;
using OutageAlerts.Incidents.Correlation;

namespace OutageAlerts.Incidents.Tests.Correlation;

public sealed class AlertChangesTests
{
    private static readonly Alert Previous = new()
    {
        AlertId = "oa-abc",
        Version = 2,
        MsgType = MsgType.Update,
        Sent = new DateTimeOffset(2026, 3, 10, 4, 0, 0, TimeSpan.Zero),
        Severity = Severity.Severe,
        Urgency = Urgency.Immediate,
        Certainty = Certainty.Likely,
        Event = "Strike on energy infrastructure",
        Headline = "h",
        Description = "d",
        Targets = ["power_grid"],
        Regions = ["UA-63"],
        Killed = 3,
        OutageCustomers = 100_000,
    };

    [Fact]
    public void Between_MaterialChanges_AreListedInWords()
    {
        var current = Snapshot() with
        {
            Severity = Severity.Extreme,
            Killed = 5,
            Injured = 12,
            Targets = ["power_grid", "heating"],
            Regions = ["UA-63", "UA-59"],
            OutageCustomers = 600_000,
            Certainty = Certainty.Observed,
            IndependentSources = 3,
        };

        var changes = AlertChanges.Between(Previous, current);

        Assert.Equal(
            [
                "severity Severe → Extreme", "killed 3 → 5", "injured unknown → 12", "targets + heating", "regions + UA-59",
                "without supply 100,000 → 600,000", "certainty Likely → Observed (3 independent sources)",
            ],
            changes);
    }

    [Fact]
    public void Between_SameFactsNewWording_IsNotMaterial() =>
        Assert.Empty(AlertChanges.Between(Previous, Snapshot() with { Headline = "another headline", OutageCustomers = 95_000 }));

    [Fact]
    public void References_AfterVersionTwo_ListsEveryEarlierVersionAsSenderIdentifierSent()
    {
        var previous = Previous with { References = ["outage-alerts,oa-abc-v1,2026-03-10T03:00:00+00:00"] };

        Assert.Equal(
            ["outage-alerts,oa-abc-v1,2026-03-10T03:00:00+00:00", "outage-alerts,oa-abc-v2,2026-03-10T04:00:00+00:00"],
            AlertChanges.References(previous));
    }

    [Fact]
    public void Reference_SentWithOffset_WrittenInUtc() =>
        Assert.Equal(
            "outage-alerts,oa-abc-v2,2026-03-10T04:00:00+00:00",
            AlertChanges.Reference(Previous with { Sent = new DateTimeOffset(2026, 3, 10, 6, 0, 0, TimeSpan.FromHours(2)) }));

    private static IncidentSnapshot Snapshot() => new()
    {
        Severity = Previous.Severity,
        Urgency = Previous.Urgency,
        Certainty = Previous.Certainty,
        Event = Previous.Event,
        Headline = Previous.Headline,
        Description = Previous.Description,
        Targets = Previous.Targets,
        Regions = Previous.Regions,
        Killed = Previous.Killed,
        OutageCustomers = Previous.OutageCustomers,
        Reasons = [],
        Sources = [],
    };
}
