using Microsoft.Extensions.Options;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Tests.Subscriptions;

public class SubscriptionsValidatorTests
{
    private const string Secret = "whsec_OECIEZ1F5FyuF9kkPkmxRbLSVgfldFg5";

    private static async Task<string> FailureAsync(Dictionary<string, string?> settings)
    {
        await using var services = DeliveryServices.Create(settings);
        var ex = Assert.Throws<OptionsValidationException>(() => services.Get<IOptions<SubscriptionsOptions>>().Value);
        return ex.Message;
    }

    [Fact]
    public async Task Validate_SmsTargetNotE164_NamesTheKey()
    {
        var message = await FailureAsync(new()
        {
            ["OutageAlerts:Subscriptions:0:Id"] = "ops-hook",
            ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
            ["OutageAlerts:Subscriptions:0:Target"] = "https://hooks.example.org/alerts",
            ["OutageAlerts:Subscriptions:0:Secret"] = Secret,
            ["OutageAlerts:Subscriptions:1:Id"] = "duty-email",
            ["OutageAlerts:Subscriptions:1:Channel"] = "email",
            ["OutageAlerts:Subscriptions:1:Target"] = "duty@example.org",
            ["OutageAlerts:Subscriptions:2:Id"] = "duty-phone",
            ["OutageAlerts:Subscriptions:2:Channel"] = "sms",
            ["OutageAlerts:Subscriptions:2:Target"] = "0501234567",
            ["OutageAlerts:Delivery:OutboxDirectory"] = "outbox",
        });

        Assert.Contains("OutageAlerts:Subscriptions:2:Target must be an E.164 number for sms", message);
        Assert.DoesNotContain("Subscriptions:0", message);
        Assert.DoesNotContain("Subscriptions:1", message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("OECIEZ1F5FyuF9kkPkmxRbLSVgfldFg5")]
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_c2hvcnQ=")]
    public async Task Validate_WebhookSecretNotWhsecBase64_NamesTheKey(string? secret)
    {
        var message = await FailureAsync(new()
        {
            ["OutageAlerts:Subscriptions:0:Id"] = "hook",
            ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
            ["OutageAlerts:Subscriptions:0:Target"] = "https://hooks.example.org/alerts",
            ["OutageAlerts:Subscriptions:0:Secret"] = secret,
        });

        Assert.Contains("OutageAlerts:Subscriptions:0:Secret must be 'whsec_'", message);
    }

    [Fact]
    public async Task Validate_EmailWithoutSmtpHostOrOutbox_AsksForSmtpHost()
    {
        var message = await FailureAsync(new()
        {
            ["OutageAlerts:Subscriptions:0:Id"] = "duty-email",
            ["OutageAlerts:Subscriptions:0:Channel"] = "email",
            ["OutageAlerts:Subscriptions:0:Target"] = "duty@example.org",
        });

        Assert.Contains("OutageAlerts:Smtp:Host is required", message);
    }

    [Fact]
    public async Task Validate_SmsWithoutAccount_NamesSmsKeys()
    {
        var message = await FailureAsync(new()
        {
            ["OutageAlerts:Subscriptions:0:Id"] = "phone",
            ["OutageAlerts:Subscriptions:0:Channel"] = "sms",
            ["OutageAlerts:Subscriptions:0:Target"] = "+380501234567",
        });

        Assert.Contains("OutageAlerts:Sms:AccountSid is required", message);
        Assert.Contains("OutageAlerts:Sms:AuthToken is required", message);
        Assert.Contains("OutageAlerts:Sms:From must be", message);
    }

    [Fact]
    public async Task Validate_BadEntries_ReportEachKey()
    {
        var message = await FailureAsync(new()
        {
            ["OutageAlerts:Subscriptions:0:Channel"] = "email",
            ["OutageAlerts:Subscriptions:0:Target"] = "not-an-address",
            ["OutageAlerts:Subscriptions:0:Countries"] = "Ukraine",
            ["OutageAlerts:Subscriptions:0:Regions:0"] = "Kharkiv",
            ["OutageAlerts:Subscriptions:0:Targets:0"] = "power_plants",
            ["OutageAlerts:Subscriptions:1:Id"] = "x",
            ["OutageAlerts:Subscriptions:1:Target"] = "https://hooks.example.org",
            ["OutageAlerts:Subscriptions:2:Id"] = "x",
            ["OutageAlerts:Subscriptions:2:Channel"] = "email",
            ["OutageAlerts:Subscriptions:2:Target"] = "a@example.org",
            ["OutageAlerts:Subscriptions:2:Format"] = "cap",
            ["OutageAlerts:Delivery:OutboxDirectory"] = "outbox",
        });

        Assert.Contains("OutageAlerts:Subscriptions:0:Id is required", message);
        Assert.Contains("OutageAlerts:Subscriptions:0:Target must be an email address", message);
        Assert.Contains("OutageAlerts:Subscriptions:0:Countries has 'UKRAINE'", message);
        Assert.Contains("OutageAlerts:Subscriptions:0:Regions has 'KHARKIV'", message);
        Assert.Contains("OutageAlerts:Subscriptions:0:Targets has 'power_plants'", message);
        Assert.Contains("OutageAlerts:Subscriptions:1:Channel is required", message);
        Assert.Contains("OutageAlerts:Subscriptions:2:Id 'x' is used by another subscription", message);
        Assert.Contains("OutageAlerts:Subscriptions:2:Format cap is only available for webhook", message);
    }

    [Fact]
    public async Task Validate_UnknownChannelValue_NamesTheKey()
    {
        await using var services = DeliveryServices.Create(new Dictionary<string, string?>
        {
            ["OutageAlerts:Subscriptions:0:Id"] = "pager",
            ["OutageAlerts:Subscriptions:0:Channel"] = "pager",
        });

        var ex = Assert.ThrowsAny<InvalidOperationException>(() => services.Get<IOptions<SubscriptionsOptions>>().Value);

        Assert.Contains("OutageAlerts:Subscriptions:0:Channel", ex.Message);
    }

    [Fact]
    public async Task Bind_CommaSeparatedListsAndArrays_BothBind()
    {
        await using var services = DeliveryServices.Create(new Dictionary<string, string?>
        {
            ["OutageAlerts:Subscriptions:0:Id"] = "ngo-east",
            ["OutageAlerts:Subscriptions:0:Channel"] = "Email",
            ["OutageAlerts:Subscriptions:0:Target"] = "east@example.org",
            ["OutageAlerts:Subscriptions:0:MinSeverity"] = "severe",
            ["OutageAlerts:Subscriptions:0:Countries"] = "ua, md",
            ["OutageAlerts:Subscriptions:0:Regions:0"] = "UA-63",
            ["OutageAlerts:Subscriptions:0:Regions:1"] = "UA-14",
            ["OutageAlerts:Subscriptions:0:Targets"] = "power_grid,heating",
            ["OutageAlerts:Smtp:Host"] = "smtp.example.org",
        });

        var subscription = Assert.Single(services.Get<IOptions<SubscriptionsOptions>>().Value.Items);

        Assert.Equal(DeliveryChannel.Email, subscription.Channel);
        Assert.Equal(Severity.Severe, subscription.MinSeverity);
        Assert.Equal(["UA", "MD"], subscription.Countries);
        Assert.Equal(["UA-63", "UA-14"], subscription.Regions);
        Assert.Equal(["power_grid", "heating"], subscription.Targets);
        Assert.Equal("OutageAlerts:Subscriptions:0", subscription.ConfigurationPath);
    }

    [Fact]
    public async Task Validate_NoSubscriptions_IsValid()
    {
        await using var services = DeliveryServices.Create(new Dictionary<string, string?>());

        Assert.Empty(services.Get<IOptions<SubscriptionsOptions>>().Value.Items);
    }
}
