using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Silences;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Tests.Routing;

public sealed class RoutingPolicyTests
{
    // 2025-11-08 01:30 in Kyiv (UTC+2 in November).
    private static readonly DateTimeOffset KyivNight = new(2025, 11, 7, 23, 30, 0, TimeSpan.Zero);
    private static readonly RecipientCaps Caps = new() { Email = 3, Sms = 2, Webhook = 0 };

    private static Subscription Email(Action<Subscription>? change = null)
    {
        var subscription = new Subscription
        {
            Id = "kyiv-desk",
            Channel = DeliveryChannel.Email,
            Target = "desk@relief.example.org",
            TimeZone = "Europe/Kyiv",
        };
        change?.Invoke(subscription);
        return subscription;
    }

    private static Silence Silence(SilenceMatchers matchers, bool includeExtreme = false) =>
        new("sil-1", matchers, KyivNight.AddHours(-1), KyivNight.AddHours(4), "duty officer", "known duplicate source", includeExtreme);

    private static RoutingDecision Decide(
        Subscription subscription, Alert alert, AlertEventKind kind = AlertEventKind.Raised, int recent = 0, params Silence[] silences) =>
        RoutingPolicy.Decide(subscription, alert, kind, KyivNight, silences, recent, Caps);

    [Fact]
    public void Decide_NoQuietHoursDigestSilenceOrCap_SendsNow()
    {
        Assert.Equal(RoutingAction.Send, Decide(Email(), SampleAlerts.Kharkiv()).Action);
    }

    [Fact]
    public void Decide_InsideQuietHoursOverMidnight_DefersUntilTheirLocalEnd()
    {
        var decision = Decide(Email(s => s.QuietHours = "22:00-07:00"), SampleAlerts.Kharkiv(severity: Severity.Severe));

        Assert.Equal(RoutingAction.Defer, decision.Action);
        Assert.Equal(new DateTimeOffset(2025, 11, 8, 5, 0, 0, TimeSpan.Zero), decision.At);
        Assert.Contains("quiet hours 22:00-07:00", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_InsideQuietHours_ExtremeStillSendsNow()
    {
        var decision = Decide(Email(s => s.QuietHours = "22:00-07:00"), SampleAlerts.Kharkiv(severity: Severity.Extreme));

        Assert.Equal(RoutingAction.Send, decision.Action);
    }

    [Fact]
    public void Decide_OutsideQuietHours_SendsNow()
    {
        var decision = Decide(Email(s => s.QuietHours = "02:00-06:00"), SampleAlerts.Kharkiv());

        Assert.Equal(RoutingAction.Send, decision.Action);
    }

    [Fact]
    public void Decide_DigestModeAndModerate_GoesToTheNextDailyDigestInLocalTime()
    {
        var subscription = Email(s =>
        {
            s.Mode = SubscriptionMode.Digest;
            s.DigestTime = new TimeOnly(8, 0);
        });

        var decision = Decide(subscription, SampleAlerts.Odesa(Severity.Moderate));

        Assert.Equal(RoutingAction.Digest, decision.Action);
        Assert.Equal(new DateTimeOffset(2025, 11, 8, 6, 0, 0, TimeSpan.Zero), decision.At);
    }

    [Fact]
    public void Decide_DigestModeAndSevereAboveTheDigestSeverity_SendsNow()
    {
        var decision = Decide(Email(s => s.Mode = SubscriptionMode.Digest), SampleAlerts.Kharkiv(severity: Severity.Severe));

        Assert.Equal(RoutingAction.Send, decision.Action);
    }

    [Fact]
    public void Decide_HourlyDigest_IsDueAtTheNextFullHour()
    {
        var subscription = Email(s =>
        {
            s.Mode = SubscriptionMode.Digest;
            s.DigestPeriod = DigestPeriod.Hourly;
        });

        var decision = Decide(subscription, SampleAlerts.Odesa(Severity.Minor));

        Assert.Equal(new DateTimeOffset(2025, 11, 8, 0, 0, 0, TimeSpan.Zero), decision.At);
    }

    [Fact]
    public void Decide_DigestModeInsideQuietHours_DigestWinsOverDeferral()
    {
        var subscription = Email(s =>
        {
            s.Mode = SubscriptionMode.Digest;
            s.QuietHours = "22:00-07:00";
        });

        Assert.Equal(RoutingAction.Digest, Decide(subscription, SampleAlerts.Odesa(Severity.Moderate)).Action);
    }

    [Fact]
    public void Decide_RecipientCapReached_SuppressesWithTheCapInTheReason()
    {
        var decision = Decide(Email(), SampleAlerts.Kharkiv(), recent: 3);

        Assert.Equal(RoutingAction.Suppress, decision.Action);
        Assert.Contains("cap of 3 per hour", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_RecipientCapNotYetReached_SendsNow()
    {
        Assert.Equal(RoutingAction.Send, Decide(Email(), SampleAlerts.Kharkiv(), recent: 2).Action);
    }

    [Fact]
    public void Decide_SubscriptionCapOverridesTheChannelDefault()
    {
        Assert.Equal(RoutingAction.Send, Decide(Email(s => s.MaxPerHour = 10), SampleAlerts.Kharkiv(), recent: 5).Action);
        Assert.Equal(RoutingAction.Send, Decide(Email(s => s.MaxPerHour = 0), SampleAlerts.Kharkiv(), recent: 500).Action);
    }

    [Fact]
    public void Decide_RecipientCapReachedInDigestMode_MovesTheAlertToTheDigest()
    {
        var decision = Decide(Email(s => s.Mode = SubscriptionMode.Digest), SampleAlerts.Kharkiv(severity: Severity.Severe), recent: 3);

        Assert.Equal(RoutingAction.Digest, decision.Action);
    }

    [Fact]
    public void Decide_RecipientCapReached_CancellationAndExtremeStillGoOut()
    {
        Assert.Equal(RoutingAction.Send, Decide(Email(), SampleAlerts.Kharkiv(), AlertEventKind.Cancelled, recent: 50).Action);
        Assert.Equal(RoutingAction.Send, Decide(Email(), SampleAlerts.Kharkiv(severity: Severity.Extreme), recent: 50).Action);
    }

    [Fact]
    public void Decide_ActiveSilenceMatchingTheRegion_SuppressesAndNamesTheSilence()
    {
        var silence = Silence(new SilenceMatchers { Regions = ["UA-63"] });

        var decision = Decide(Email(), SampleAlerts.Kharkiv(), silences: silence);

        Assert.Equal(RoutingAction.Suppress, decision.Action);
        Assert.Contains("sil-1", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SilenceForAnotherRegion_SendsNow()
    {
        var silence = Silence(new SilenceMatchers { Regions = ["UA-51"] });

        Assert.Equal(RoutingAction.Send, Decide(Email(), SampleAlerts.Kharkiv(), silences: silence).Action);
    }

    [Fact]
    public void Decide_SilenceWithoutIncludeExtreme_LetsExtremeThrough()
    {
        var plain = Silence(new SilenceMatchers { Regions = ["UA-63"] });
        var total = Silence(new SilenceMatchers { Regions = ["UA-63"] }, includeExtreme: true);
        var extreme = SampleAlerts.Kharkiv(severity: Severity.Extreme);

        Assert.Equal(RoutingAction.Send, Decide(Email(), extreme, silences: plain).Action);
        Assert.Equal(RoutingAction.Suppress, Decide(Email(), extreme, silences: total).Action);
    }
}
