using System.Text;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Sms;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Tests.Sms;

public sealed class SmsSenderTests : IAsyncLifetime
{
    private TestReceiver _gateway = null!;

    public async Task InitializeAsync() => _gateway = await TestReceiver.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private DeliveryServices Services(
        string provider = "Twilio", string? baseUrl = null, string maxPerSecond = "0", string? maxRateWait = null, string? statusCallback = null) =>
        DeliveryServices.Create(new Dictionary<string, string?>
    {
        ["OutageAlerts:Sms:MaxPerSecond"] = maxPerSecond,
        ["OutageAlerts:Sms:MaxRateWait"] = maxRateWait,
        ["OutageAlerts:Sms:StatusCallbackUrl"] = statusCallback,
        ["OutageAlerts:Subscriptions:0:Id"] = "duty-phone",
        ["OutageAlerts:Subscriptions:0:Channel"] = "sms",
        ["OutageAlerts:Subscriptions:0:Target"] = "+380501234567",
        ["OutageAlerts:Sms:Provider"] = provider,
        ["OutageAlerts:Sms:BaseUrl"] = baseUrl ?? _gateway.BaseUrl,
        ["OutageAlerts:Sms:AccountSid"] = "AC0123456789abcdef",
        ["OutageAlerts:Sms:AuthToken"] = "token-for-tests",
        ["OutageAlerts:Sms:From"] = "+15005550006",
    }.Where(kv => kv.Value is not null).ToDictionary());

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
            "SEVERE: Drone strike on energy infrastructure - Kharkiv oblast (UA-63). 2 injured. " +
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
        var size = SmsSegments.Measure(body);
        Assert.Equal(SmsEncoding.Gsm7, size.Encoding);
        Assert.Equal(1, size.Segments);
        Assert.EndsWith(" https://news.example.org/wire/1001", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_TwilioInvalidNumberCode_IsPermanentAndNamesCode()
    {
        await using var services = Services();
        _gateway.AnswerWith(400);
        _gateway.AnswerBody = """{"code":21211,"message":"The 'To' number is not a valid phone number.","status":400}""";

        var result = await SendAsync(services, new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "duty-phone"));

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Contains("21211", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_TwilioQueueOverflowCode_IsTransientThoughHttp400()
    {
        await using var services = Services();
        _gateway.AnswerWith(400);
        _gateway.AnswerBody = """{"code":30001,"message":"Queue overflow","status":400}""";

        var result = await SendAsync(services, new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "duty-phone"));

        Assert.Equal(DeliveryOutcome.Transient, result.Outcome);
        Assert.Contains("30001", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_StatusCallbackConfigured_AsksTwilioForCallbacks()
    {
        await using var services = Services(statusCallback: "https://alerts.example.org/api/sms/status");

        await SendAsync(services, new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "duty-phone"));

        Assert.Equal("https://alerts.example.org/api/sms/status", Assert.Single(_gateway.Requests).Form!["StatusCallback"]);
    }

    [Fact]
    public async Task SendAsync_SecondMessageSameSecond_WaitsForSendersNextSlot()
    {
        await using var services = Services(maxPerSecond: "1");

        await SendAsync(services, new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "duty-phone"));
        var second = SendAsync(services, new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Odesa(), "duty-phone"));
        var heldBack = _gateway.Requests.Count;
        services.Time.Advance(TimeSpan.FromSeconds(1));
        var result = await second;

        Assert.Equal(1, heldBack);
        Assert.False(second.IsFaulted);
        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal(2, _gateway.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_SlotTooFarAway_IsTransientWithRetryAfter()
    {
        await using var services = Services(maxPerSecond: "0.01", maxRateWait: "00:00:10");

        await SendAsync(services, new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "duty-phone"));
        var result = await SendAsync(services, new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Odesa(), "duty-phone"));

        Assert.Equal(DeliveryOutcome.Transient, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(100), result.RetryAfter);
        Assert.Single(_gateway.Requests);
    }
}
