using OutageAlerts.Delivery.Silences;

namespace OutageAlerts.Delivery.Tests.Silences;

public sealed class SilenceRulesTests
{
    private static readonly DateTimeOffset Now = DeliveryServices.Now;

    private static Silence Valid() =>
        new("", new SilenceMatchers { Regions = ["UA-63"] }, Now, Now.AddHours(2), "duty-desk", "receiver maintenance", false);

    [Fact]
    public void Check_Valid_NoErrors() => Assert.Empty(SilenceRules.Check(Valid(), Now));

    [Fact]
    public void Check_EndBeforeStart_OnEndsAt()
    {
        var errors = SilenceRules.Check(Valid() with { EndsAt = Now.AddHours(-1) }, Now);

        Assert.Contains("must be after startsAt.", errors["endsAt"]);
        Assert.Contains("must be in the future.", errors["endsAt"]);
    }

    [Fact]
    public void Check_ExactlyMaxDuration_AllowedAndOneMoreTickNot()
    {
        var longest = Valid() with { EndsAt = Now + SilenceRules.MaxDuration };
        var tooLong = Valid() with { EndsAt = Now + SilenceRules.MaxDuration + TimeSpan.FromTicks(1) };

        Assert.Empty(SilenceRules.Check(longest, Now));
        Assert.Equal(["endsAt"], SilenceRules.Check(tooLong, Now).Keys);
    }

    [Fact]
    public void Check_NoMatcher_OnMatchers() =>
        Assert.Equal(["matchers"], SilenceRules.Check(Valid() with { Matchers = new SilenceMatchers() }, Now).Keys);

    [Fact]
    public void Check_BadCodes_NamesEachMatcher()
    {
        var silence = Valid() with
        {
            Matchers = new SilenceMatchers
            {
                Countries = ["Ukraine"],
                Regions = ["Kharkiv"],
                Targets = ["grid"],
                SubscriptionIds = ["a b"],
                AlertIds = [" "],
                Feeds = [new string('f', SilenceRules.MaxValueLength + 1)],
            },
        };

        var errors = SilenceRules.Check(silence, Now);

        Assert.Equal(
            ["matchers.alertIds", "matchers.countries", "matchers.feeds", "matchers.regions", "matchers.subscriptionIds", "matchers.targets"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Check_NoComment_OnComment() =>
        Assert.Equal(["comment"], SilenceRules.Check(Valid() with { Comment = " " }, Now).Keys);
}
