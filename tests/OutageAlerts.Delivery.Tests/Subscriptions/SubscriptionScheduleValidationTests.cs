using Microsoft.Extensions.Options;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Tests.Subscriptions;

/// <summary>The digest, quiet-hours, time-zone and cap settings of a subscription, checked at start.</summary>
public sealed class SubscriptionScheduleValidationTests
{
    private static Dictionary<string, string?> Settings(string channel, string target, params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["OutageAlerts:Subscriptions:0:Id"] = "night-desk",
            ["OutageAlerts:Subscriptions:0:Channel"] = channel,
            ["OutageAlerts:Subscriptions:0:Target"] = target,
            ["OutageAlerts:Delivery:OutboxDirectory"] = "outbox",
        };
        foreach (var (key, value) in extra)
        {
            settings[$"OutageAlerts:Subscriptions:0:{key}"] = value;
        }

        return settings;
    }

    private static async Task<string> FailureAsync(Dictionary<string, string?> settings)
    {
        await using var services = DeliveryServices.Create(settings);
        return Assert.Throws<OptionsValidationException>(() => services.Get<IOptions<SubscriptionsOptions>>().Value).Message;
    }

    [Fact]
    public async Task Validate_AllScheduleSettings_BindAndPass()
    {
        await using var services = DeliveryServices.Create(Settings(
            "email",
            "night@relief.example.org",
            ("Mode", "digest"),
            ("DigestPeriod", "hourly"),
            ("DigestMaxSeverity", "Severe"),
            ("DigestTime", "18:30"),
            ("QuietHours", "22:00-07:00"),
            ("TimeZone", "Europe/Kyiv"),
            ("MaxPerHour", "5")));

        var subscription = Assert.Single(services.Get<IOptions<SubscriptionsOptions>>().Value.Items);
        Assert.Equal(SubscriptionMode.Digest, subscription.Mode);
        Assert.Equal(DigestPeriod.Hourly, subscription.DigestPeriod);
        Assert.Equal(Severity.Severe, subscription.DigestMaxSeverity);
        Assert.Equal(new TimeOnly(18, 30), subscription.DigestTime);
        Assert.Equal("22:00-07:00", subscription.QuietHours);
        Assert.Equal("Europe/Kyiv", subscription.TimeZone);
        Assert.Equal(5, subscription.MaxPerHour);
    }

    [Fact]
    public async Task Validate_DigestOnSms_NamesTheKey()
    {
        var message = await FailureAsync(Settings("sms", "+380501234567", ("Mode", "digest")));

        Assert.Contains("OutageAlerts:Subscriptions:0:Mode digest is only available for email subscriptions.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_DigestHoldingExtreme_NamesTheKey()
    {
        var message = await FailureAsync(Settings("email", "a@relief.example.org", ("Mode", "digest"), ("DigestMaxSeverity", "Extreme")));

        Assert.Contains("OutageAlerts:Subscriptions:0:DigestMaxSeverity must be below Extreme", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("22-07")]
    [InlineData("22:00")]
    [InlineData("07:00-07:00")]
    public async Task Validate_MalformedQuietHours_NamesTheKey(string quietHours)
    {
        var message = await FailureAsync(Settings("email", "a@relief.example.org", ("QuietHours", quietHours)));

        Assert.Contains("OutageAlerts:Subscriptions:0:QuietHours must be two different local times as HH:mm-HH:mm", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_UnknownTimeZone_NamesTheKey()
    {
        var message = await FailureAsync(Settings("email", "a@relief.example.org", ("TimeZone", "Europe/Atlantis")));

        Assert.Contains("OutageAlerts:Subscriptions:0:TimeZone 'Europe/Atlantis' is not a known IANA time zone", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NegativeCap_NamesTheKey()
    {
        var message = await FailureAsync(Settings("email", "a@relief.example.org", ("MaxPerHour", "-1")));

        Assert.Contains("OutageAlerts:Subscriptions:0:MaxPerHour must be between 0 (no cap) and 10000.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NegativeChannelCap_FailsNamingTheKey()
    {
        var settings = Settings("email", "a@relief.example.org");
        settings["OutageAlerts:Delivery:RecipientCaps:Sms"] = "-3";
        await using var services = DeliveryServices.Create(settings);

        var ex = Assert.Throws<OptionsValidationException>(() => services.Get<IOptions<DeliveryOptions>>().Value);

        Assert.Contains("OutageAlerts:Delivery:RecipientCaps", ex.Message, StringComparison.Ordinal);
    }
}
