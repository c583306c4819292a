using OutageAlerts.Contracts;
using OutageAlerts.Incidents.Correlation;

namespace OutageAlerts.Incidents.Tests.Correlation;

public sealed class IncidentLifecycleTests
{
    private static readonly DateTimeOffset Now = Reports.Night;
    private static readonly IncidentOptions Options = new();

    [Theory]
    [InlineData(Severity.Minor, true)]
    [InlineData(Severity.Severe, true)]
    [InlineData(Severity.Extreme, false)]
    public void OnReport_NewIncident_HeldUnlessExtreme(Severity severity, bool held)
    {
        var expected = held ? StepKind.Hold : StepKind.Raise;
        var step = IncidentLifecycle.OnReport(IncidentStatus.Held, null, null, Snapshot(severity, 1), Now, Options);

        Assert.Equal(expected, step.Kind);
        Assert.Equal(expected == StepKind.Hold ? Now + IncidentOptions.DefaultFirstMessageHold : null, step.DueAt);
    }

    [Fact]
    public void OnReport_HeldIncidentGetsAnotherReport_HoldIsNotExtended()
    {
        var due = Now.AddSeconds(12);

        var step = IncidentLifecycle.OnReport(IncidentStatus.Held, null, due, Snapshot(Severity.Severe, 1), Now, Options);

        Assert.Equal((StepKind.Hold, due), (step.Kind, step.DueAt));
    }

    [Fact]
    public void OnReport_MaterialChangeSoonAfterLastMessage_DeferredToTheInterval()
    {
        var last = Published(Severity.Severe, 1, Now.AddMinutes(-1));

        var step = IncidentLifecycle.OnReport(IncidentStatus.Open, last, null, Snapshot(Severity.Severe, 2), Now, Options);

        Assert.Equal((StepKind.Hold, last.Sent + IncidentOptions.DefaultMinUpdateInterval), (step.Kind, step.DueAt));
    }

    [Fact]
    public void OnReport_SeverityRisesSoonAfterLastMessage_UpdatesAtOnce()
    {
        var step = IncidentLifecycle.OnReport(IncidentStatus.Open, Published(Severity.Severe, 1, Now.AddMinutes(-1)), null, Snapshot(Severity.Extreme, 12), Now, Options);

        Assert.Equal(StepKind.Update, step.Kind);
        Assert.Contains("killed 1 → 12", step.Changes);
    }

    [Fact]
    public void OnReport_NothingMaterial_NoMessage() =>
        Assert.Equal(StepKind.None, IncidentLifecycle.OnReport(IncidentStatus.Open, Published(Severity.Severe, 1, Now.AddHours(-1)), null, Snapshot(Severity.Severe, 1), Now, Options).Kind);

    [Fact]
    public void OnReport_Cancelled_NeverSpeaks() =>
        Assert.Equal(StepKind.None, IncidentLifecycle.OnReport(IncidentStatus.Cancelled, Published(Severity.Severe, 1, Now.AddHours(-1)), null, Snapshot(Severity.Extreme, 30), Now, Options).Kind);

    [Fact]
    public void OnDue_DeferredChangeTakenBack_NoMessage() =>
        Assert.Equal(StepKind.None, IncidentLifecycle.OnDue(IncidentStatus.Open, Published(Severity.Severe, 1, Now.AddMinutes(-5)), Snapshot(Severity.Severe, 1)).Kind);

    private static Alert Published(Severity severity, int killed, DateTimeOffset sent) => Snapshot(severity, killed).ToAlert("oa-1", 1, MsgType.Alert, sent, [], []);

    private static IncidentSnapshot Snapshot(Severity severity, int killed) => new()
    {
        Severity = severity,
        Urgency = Urgency.Immediate,
        Certainty = Certainty.Likely,
        Event = "e",
        Headline = "h",
        Description = "d",
        Targets = ["residential"],
        Regions = ["UA-63"],
        Killed = killed,
        Reasons = [],
        Sources = [],
    };
}
