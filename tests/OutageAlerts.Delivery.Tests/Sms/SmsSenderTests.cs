using System.Text;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Tests.Sms;

public sealed class SmsSenderTests : IAsyncLifetime
{
    private TestReceiver _gateway = null!;

    public async Task InitializeAsync() => _gateway = await TestReceiver.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private DeliveryServices Services(string provider = "Twilio", string? baseUrl = null) => DeliveryServices.Create(new Dictionary<string, string?>
    {
        ["OutageAlerts:Subscriptions:0:Id"] = "duty-phone",
        ["OutageAlerts:Subscriptions:0:Channel"] = "sms",
        ["OutageAlerts:Subscriptions:0:Target"] = "+380501234567",
        ["OutageAlerts:Sms:Provider"] = provider,
        ["OutageAlerts:Sms:BaseUrl"] = baseUrl ?? _gateway.BaseUrl,
        ["OutageAlerts:Sms:AccountSid"] = "AC0123456789abcdef",
        ["OutageAlerts:Sms:AuthToken"] = "token-for-tests",
        ["OutageAlerts:Sms:From"] = "+15005550006",
    });

    private static Task<DeliveryResult> SendAsync(DeliveryServices services, IAlertDelivery delivery)
    {
        var sender = services.Get<IEnumerable<IChannelSender>>().Single(s => s.Channel == DeliveryChannel.Sms);
        var subscription = services.Get<IOptions<SubscriptionsOptions>>().Value.Find("duty-phone")!;
        return sender.SendAsync(delivery, subscription, CancellationToken.None);
    }

    [Fact]
    public async Task SendAsync_Twilio_PostsFormWithBasicAuthToMessagesPath()
    {
        await using var services = Services();
        _gateway.AnswerWith(201);

        var result = await SendAsync(services, new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "duty-phone"));

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var request = Assert.Single(_gateway.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/2010-04-01/Accounts/AC0123456789abcdef/Messages.json", request.Path);
        var expectedAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("AC0123456789abcdef:token-for-tests"));
        Assert.Equal(expectedAuth, request.Headers["authorization"]);
        Assert.NotNull(request.Form);
        Assert.Equal("+380501234567", request.Form["To"]);
        Assert.Equal("+15005550006", request.Form["From"]);
        Assert.Equal(
            "SEVERE: Drone strike on energy infrastructure — Kharkiv oblast (UA-63). 2 injured. " +
            "40,000 customers without supply. https://news.example.org/wire/1001",
            request.Form["Body"]);
    }

    [Fact]
    public async Task SendAsync_HttpProvider_PostsToBaseUrlItself()
    {
        await using var services = Services(provider: "Http", baseUrl: _gateway.BaseUrl + "/sms/send");

        var result = await SendAsync(services, new SmsDelivery(AlertEventKind.Cancelled, SampleAlerts.Kharkiv(version: 2), "duty-phone", "reported twice"));

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var request = Assert.Single(_gateway.Requests);
        Assert.Equal("/sms/send", request.Path);
        Assert.StartsWith("CANCELLED: ", request.Form!["Body"], StringComparison.Ordinal);
        Assert.Contains("reported twice", request.Form["Body"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_GatewayRejectsNumber_IsPermanent()
    {
        await using var services = Services();
        _gateway.AnswerWith(400);

        var result = await SendAsync(services, new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "duty-phone"));

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
    }

    [Fact]
    public async Task SendAsync_GatewayOverloaded_IsTransient()
    {
        await using var services = Services();
        _gateway.AnswerWith(429);

        var result = await SendAsync(services, new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "duty-phone"));

        Assert.Equal(DeliveryOutcome.Transient, result.Outcome);
    }

    [Fact]
    public async Task SendAsync_InvalidNumber_PermanentWithoutRequest()
    {
        await using var services = Services();
        var sender = services.Get<IEnumerable<IChannelSender>>().Single(s => s.Channel == DeliveryChannel.Sms);
        var subscription = new Subscription { Id = "duty-phone", Channel = DeliveryChannel.Sms, Target = "050 123 45 67" };

        var result = await sender.SendAsync(
            new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "duty-phone"), subscription, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Empty(_gateway.Requests);
    }

    [Fact]
    public async Task SendAsync_LongText_StaysWithinTwoSegmentsAndKeepsLink()
    {
        await using var services = Services();
        var alert = SampleAlerts.Kharkiv() with { Area = new Contracts.AlertArea(new string('x', 400), 0, 0, 1) };

        await SendAsync(services, new SmsDelivery(AlertEventKind.Raised, alert, "duty-phone"));

        var body = Assert.Single(_gateway.Requests).Form!["Body"];
        Assert.True(body.Length <= 306, body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith(" https://news.example.org/wire/1001", body, StringComparison.Ordinal);
    }
}
