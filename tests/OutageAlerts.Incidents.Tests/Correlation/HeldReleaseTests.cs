using System.Diagnostics;
using OutageAlerts.Contracts;

namespace OutageAlerts.Incidents.Tests.Correlation;

/// <summary>Held messages: released under the trace of the report that held them, and never lost between release and publish.</summary>
public sealed class HeldReleaseTests
{
    private static readonly DateTimeOffset T0 = Reports.Night;

    private static ClassifiedReport Moderate(string id, int seconds, string feed = "wire") => Reports.Make(
        id, "Shelling damages houses in Kupiansk", "Two homes were damaged in Kupiansk, the administration said.",
        T0.AddSeconds(seconds), feed, severity: Severity.Moderate, place: Reports.Kupiansk, fetched: T0.AddSeconds(seconds));

    [Fact]
    public async Task ReleaseDueAsync_HeldFirstMessage_CarriesTheTraceOfTheReportThatHeldIt()
    {
        using var listener = ListenToEverything();
        await using var h = await CorrelatorHarness.StartAsync();
        using var source = new ActivitySource("OutageAlerts.Incidents.Tests");
        ActivityTraceId fetchTrace;
        using (var fetch = source.StartActivity("fetch feed")!)
        {
            fetch.TraceStateString = "vendor=fetch";
            fetchTrace = fetch.TraceId;
            await h.ReceiveAsync(Moderate("t1", 0));
        }

        // A later report of the same incident, in another trace, joins the held message but does not take it over.
        using (source.StartActivity("another fetch"))
        {
            await h.ReceiveAsync(Moderate("t2", 10, "agency"));
        }

        await h.AdvanceToAsync(T0.AddMinutes(1));

        var released = Assert.Single(h.Released);
        Assert.Equal(MsgType.Alert, released.Alert.MsgType);
        Assert.True(ActivityContext.TryParse(released.TraceParent, released.TraceState, out var parent), released.TraceParent);
        Assert.Equal(fetchTrace, parent.TraceId);
        Assert.Equal("vendor=fetch", released.TraceState);
    }

    [Fact]
    public async Task ReleaseDueAsync_NotConfirmedAndProcessRestarted_ReleasedAgainWithTheSameIdAndVersion()
    {
        await using var h = await CorrelatorHarness.StartAsync();
        await h.ReceiveAsync(Moderate("r1", 0));

        await h.AdvanceToAsync(T0.AddSeconds(30), confirm: false);
        var first = Assert.Single(h.Released);
        await h.RestartAsync();
        var tooSoon = await h.Correlator.ReleaseDueAsync(T0.AddSeconds(31), CancellationToken.None);
        await h.AdvanceToAsync(T0.AddSeconds(30) + IncidentOptions.DefaultReleaseRetryAfter);
        var afterConfirm = await h.Correlator.ReleaseDueAsync(T0.AddHours(1), CancellationToken.None);

        Assert.Empty(tooSoon);
        Assert.Equal(2, h.Released.Count);
        var again = h.Released[1].Alert;
        Assert.Equal((first.Alert.AlertId, 1, MsgType.Alert), (again.AlertId, again.Version, again.MsgType));
        Assert.Equal(first.Alert.Sent, again.Sent);
        Assert.Equal(first.Alert.Sources, again.Sources);
        Assert.Single(h.Published);
        Assert.Empty(afterConfirm);
    }

    [Fact]
    public async Task ReleaseDueAsync_ConfirmedRelease_IsNotReleasedAgain()
    {
        await using var h = await CorrelatorHarness.StartAsync();
        await h.ReceiveAsync(Moderate("c1", 0));

        await h.AdvanceToAsync(T0.AddHours(2));

        Assert.Single(h.Released);
        Assert.Single(h.Published);
    }

    private static ActivityListener ListenToEverything()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
