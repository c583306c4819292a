using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Tests.Subscriptions;

public class SubscriptionMatcherTests
{
    // The alert: Severe, UA, regions UA-63, targets power_grid + residential.
    public static TheoryData<string, Severity, string[], string[], string[], bool> Cases => new()
    {
        { "no filters", Severity.Unknown, [], [], [], true },
        { "min severity equal", Severity.Severe, [], [], [], true },
        { "min severity lower", Severity.Moderate, [], [], [], true },
        { "min severity higher", Severity.Extreme, [], [], [], false },
        { "country listed", Severity.Minor, ["UA"], [], [], true },
        { "country listed among others", Severity.Minor, ["MD", "UA"], [], [], true },
        { "country not listed", Severity.Minor, ["PS", "SD"], [], [], false },
        { "region listed", Severity.Minor, [], ["UA-63"], [], true },
        { "region not listed", Severity.Minor, [], ["UA-30", "UA-32"], [], false },
        { "target shared", Severity.Minor, [], [], ["power_grid"], true },
        { "one of several targets shared", Severity.Minor, [], [], ["water", "residential"], true },
        { "no target shared", Severity.Minor, [], [], ["medical", "education"], false },
        { "all filters pass", Severity.Severe, ["UA"], ["UA-63"], ["residential"], true },
        { "all pass but severity", Severity.Extreme, ["UA"], ["UA-63"], ["residential"], false },
        { "all pass but region", Severity.Severe, ["UA"], ["UA-51"], ["residential"], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_FilterTable_AgreesWithExpectation(
        string name, Severity minSeverity, string[] countries, string[] regions, string[] targets, bool expected)
    {
        var subscription = new Subscription
        {
            Id = name, Channel = DeliveryChannel.Webhook, MinSeverity = minSeverity,
            Countries = [.. countries], Regions = [.. regions], Targets = [.. targets],
        };

        Assert.Equal(expected, SubscriptionMatcher.Matches(subscription, SampleAlerts.Kharkiv()));
    }

    [Fact]
    public void Matches_AlertWithSeveralRegions_MatchesAnyListedRegion()
    {
        var alert = SampleAlerts.Kharkiv() with { Regions = ["UA-32", "UA-74"] };
        var subscription = new Subscription { Id = "north", Channel = DeliveryChannel.Email, Regions = ["UA-74"] };

        Assert.True(SubscriptionMatcher.Matches(subscription, alert));
    }

    [Fact]
    public void Matches_CountryFilterAndAlertWithoutCountry_DoesNotMatch()
    {
        var alert = SampleAlerts.Kharkiv() with { Country = null };
        var subscription = new Subscription { Id = "ua", Channel = DeliveryChannel.Email, Countries = ["UA"] };

        Assert.False(SubscriptionMatcher.Matches(subscription, alert));
    }

    [Fact]
    public void Matches_SeverityNone_NeverMatches()
    {
        var alert = SampleAlerts.Kharkiv(severity: Severity.None);
        var subscription = new Subscription { Id = "all", Channel = DeliveryChannel.Email, MinSeverity = Severity.None };

        Assert.False(SubscriptionMatcher.Matches(subscription, alert));
    }

    [Theory]
    [InlineData("uk", true)]
    [InlineData("en", false)]
    [InlineData(null, false)]
    public void Matches_LanguagesFilter_NeedsAlertLanguageListed(string? language, bool expected)
    {
        var alert = SampleAlerts.KyivInUkrainian() with { Language = language };
        var subscription = new Subscription { Id = "uk-only", Channel = DeliveryChannel.Email, Languages = ["uk", "ru"] };

        Assert.Equal(expected, SubscriptionMatcher.Matches(subscription, alert));
    }
}
