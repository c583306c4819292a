using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Silences;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Tests.Silences;

/// <summary>
/// One table of cases against the Kharkiv sample alert (Severe, UA, UA-63, power_grid + residential, feed
/// test-wire) delivered to a webhook subscription "relief-hook".
/// </summary>
public sealed class SilenceMatcherTests
{
    private static readonly DateTimeOffset Start = new(2025, 11, 8, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = Start.AddHours(12);
    private static readonly DateTimeOffset During = Start.AddHours(5);

    private static readonly Subscription Hook = new() { Id = "relief-hook", Channel = DeliveryChannel.Webhook };

    private static Silence Mute(SilenceMatchers matchers, bool includeExtreme = false) =>
        new("sil-1", matchers, Start, End, "duty-desk", "planned test of the receiver", includeExtreme);

    private static readonly Dictionary<string, (Silence Silence, Alert Alert, DateTimeOffset Now, bool Muted)> Cases = new()
    {
        ["country listed"] = (Mute(new() { Countries = ["UA"] }), SampleAlerts.Kharkiv(), During, true),
        ["country in lower case"] = (Mute(new() { Countries = ["ua"] }), SampleAlerts.Kharkiv(), During, true),
        ["other country"] = (Mute(new() { Countries = ["PS"] }), SampleAlerts.Kharkiv(), During, false),
        ["alert without country"] = (Mute(new() { Countries = ["UA"] }), SampleAlerts.Kharkiv() with { Country = null }, During, false),
        ["one of the regions"] = (Mute(new() { Regions = ["UA-30", "UA-63"] }), SampleAlerts.Kharkiv(), During, true),
        ["other region"] = (Mute(new() { Regions = ["UA-30"] }), SampleAlerts.Kharkiv(), During, false),
        ["shared target"] = (Mute(new() { Targets = ["residential"] }), SampleAlerts.Kharkiv(), During, true),
        ["no shared target"] = (Mute(new() { Targets = ["medical", "education"] }), SampleAlerts.Kharkiv(), During, false),
        ["feed of a source"] = (Mute(new() { Feeds = ["test-wire"] }), SampleAlerts.Kharkiv(), During, true),
        ["other feed"] = (Mute(new() { Feeds = ["another-wire"] }), SampleAlerts.Kharkiv(), During, false),
        ["alert id"] = (Mute(new() { AlertIds = ["inc-2025-11-08-kharkiv"] }), SampleAlerts.Kharkiv(), During, true),
        ["other alert id"] = (Mute(new() { AlertIds = ["inc-2025-11-08-odesa"] }), SampleAlerts.Kharkiv(), During, false),
        ["subscription id"] = (Mute(new() { SubscriptionIds = ["relief-hook"] }), SampleAlerts.Kharkiv(), During, true),
        ["other subscription id"] = (Mute(new() { SubscriptionIds = ["ngo-mail"] }), SampleAlerts.Kharkiv(), During, false),
        ["channel"] = (Mute(new() { Channels = [DeliveryChannel.Webhook] }), SampleAlerts.Kharkiv(), During, true),
        ["other channel"] = (Mute(new() { Channels = [DeliveryChannel.Email, DeliveryChannel.Sms] }), SampleAlerts.Kharkiv(), During, false),
        ["all matchers match"] = (Mute(new() { Countries = ["UA"], Regions = ["UA-63"], Channels = [DeliveryChannel.Webhook] }), SampleAlerts.Kharkiv(), During, true),
        ["one matcher of several misses"] = (Mute(new() { Countries = ["UA"], Regions = ["UA-30"] }), SampleAlerts.Kharkiv(), During, false),
        ["no matcher at all"] = (Mute(new()), SampleAlerts.Kharkiv(), During, false),
        ["at the start"] = (Mute(new() { Countries = ["UA"] }), SampleAlerts.Kharkiv(), Start, true),
        ["before the start"] = (Mute(new() { Countries = ["UA"] }), SampleAlerts.Kharkiv(), Start.AddTicks(-1), false),
        ["just before the end"] = (Mute(new() { Countries = ["UA"] }), SampleAlerts.Kharkiv(), End.AddTicks(-1), true),
        ["at the end"] = (Mute(new() { Countries = ["UA"] }), SampleAlerts.Kharkiv(), End, false),
        ["extreme alert"] = (Mute(new() { Countries = ["UA"] }), SampleAlerts.Kharkiv(severity: Severity.Extreme), During, false),
        ["extreme alert, silence includes extreme"] = (Mute(new() { Countries = ["UA"] }, includeExtreme: true), SampleAlerts.Kharkiv(severity: Severity.Extreme), During, true),
        ["minor alert"] = (Mute(new() { Countries = ["UA"] }), SampleAlerts.Kharkiv(severity: Severity.Minor), During, true),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_Case_AsInTheTable(string name)
    {
        var (silence, alert, now, muted) = Cases[name];

        Assert.Equal(muted, SilenceMatcher.Matches(silence, alert, Hook, now));
    }

    [Fact]
    public void Matches_SubscriptionWithoutChannel_NotMutedByChannelMatcher()
    {
        var silence = Mute(new() { Channels = [DeliveryChannel.Webhook] });

        Assert.False(SilenceMatcher.Matches(silence, SampleAlerts.Kharkiv(), new Subscription { Id = "relief-hook" }, During));
    }

    [Fact]
    public void FirstMatch_SeveralSilences_ReturnsTheFirstThatMutes()
    {
        var miss = Mute(new() { Regions = ["UA-30"] }) with { Id = "sil-miss" };
        var hit = Mute(new() { Regions = ["UA-63"] }) with { Id = "sil-hit" };
        var alsoHit = Mute(new() { Countries = ["UA"] }) with { Id = "sil-also" };

        var found = SilenceMatcher.FirstMatch([miss, hit, alsoHit], SampleAlerts.Kharkiv(), Hook, During);

        Assert.Equal("sil-hit", found!.Id);
        Assert.Null(SilenceMatcher.FirstMatch([miss], SampleAlerts.Kharkiv(), Hook, During));
    }
}
