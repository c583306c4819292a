using OutageAlerts.Contracts;
using OutageAlerts.Incidents.Replay;

namespace OutageAlerts.Incidents.Tests.Replay;

public sealed class IncidentReplayTests
{
    private static readonly DateTimeOffset T0 = Reports.Night;

    [Fact]
    public async Task RunAsync_ItemsInAnyOrder_ProcessedByPublishedOnASimulatedClock()
    {
        var reports = new[]
        {
            Reports.Make("p3", "Poltava toll reaches nine", "Nine died in the Poltava block strike, Governor Pronin said.", T0.AddHours(8), "third", region: "UA-53", killed: 9),
            Reports.Make("p1", "Missile hits Poltava apartment block, two dead", "Governor Pronin said two died in Poltava.", T0, "wire", region: "UA-53", killed: 2),
            Reports.Make("p2", "Полтава: загиблих уже п'ятеро", "Пронін повідомив про п'ятьох загиблих у Полтаві.", T0.AddHours(3), "ukr", "uk", region: "UA-53", killed: 5),
        };

        var alerts = await IncidentReplay.RunAsync(reports);

        Assert.Equal([1, 2, 3], alerts.Select(a => a.Version));
        Assert.Single(alerts.Select(a => a.AlertId).Distinct());
        Assert.Equal([T0.AddSeconds(30), T0.AddHours(3), T0.AddHours(8)], alerts.Select(a => a.Sent));
        Assert.Equal(9, alerts[^1].Killed);
    }

    [Fact]
    public async Task RunAsync_MessageStillHeldAtTheEnd_IsFlushed()
    {
        var alerts = await IncidentReplay.RunAsync([Reports.Make("m1", "Shell damages Kupiansk shop", "A shop was damaged in Kupiansk.", T0, severity: Severity.Minor, targets: ["commercial"])]);

        var alert = Assert.Single(alerts);
        Assert.Equal((MsgType.Alert, T0 + IncidentOptions.DefaultFirstMessageHold), (alert.MsgType, alert.Sent));
    }

    [Fact]
    public async Task RunAsync_NonAlertItems_PublishNothing() =>
        Assert.Empty(await IncidentReplay.RunAsync([Reports.Make("n1", "Miners strike over pay", "Workers walked out.", T0, alert: false)]));
}
