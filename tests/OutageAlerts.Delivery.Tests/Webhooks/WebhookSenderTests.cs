using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Delivery.Webhooks;

namespace OutageAlerts.Delivery.Tests.Webhooks;

public sealed class WebhookSenderTests : IAsyncLifetime
{
    private TestReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await TestReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private DeliveryServices Services(bool allowPrivate = true, string format = "json") => DeliveryServices.Create(new Dictionary<string, string?>
    {
        ["OutageAlerts:Subscriptions:0:Id"] = "relief-hook",
        ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
        ["OutageAlerts:Subscriptions:0:Target"] = _receiver.BaseUrl + "/hooks/alerts?token=abc",
        ["OutageAlerts:Subscriptions:0:Secret"] = WebhookSignatureTests.Secret,
        ["OutageAlerts:Subscriptions:0:Format"] = format,
        ["OutageAlerts:Webhooks:AllowPrivateTargets"] = allowPrivate ? "true" : "false",
    });

    private static Task<DeliveryResult> SendAsync(DeliveryServices services, IAlertDelivery delivery)
    {
        var sender = services.Get<IEnumerable<IChannelSender>>().Single(s => s.Channel == DeliveryChannel.Webhook);
        var subscription = services.Get<IOptions<SubscriptionsOptions>>().Value.Find("relief-hook")!;
        return sender.SendAsync(delivery, subscription, CancellationToken.None);
    }

    [Fact]
    public async Task SendAsync_Receiver200_PostsSignedContractBody()
    {
        await using var services = Services();

        var result = await SendAsync(services, new WebhookDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "relief-hook"));

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var request = Assert.Single(_receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/alerts", request.Path);
        Assert.StartsWith("application/json", request.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal(DeliveryServices.Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), request.Headers["webhook-timestamp"]);
        Assert.Matches("^msg_[0-9a-f]{32}$", request.Headers["webhook-id"]);
        Assert.True(WebhookSignatureTests.ReceiverAccepts(
            WebhookSignatureTests.Secret, request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Body,
            request.Headers["webhook-signature"]));

        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal("alert.raised", root.GetProperty("type").GetString());
        Assert.Equal(DeliveryServices.Now, root.GetProperty("timestamp").GetDateTimeOffset());
        var data = root.GetProperty("data");
        Assert.Equal("inc-2025-11-08-kharkiv", data.GetProperty("alertId").GetString());
        Assert.Equal(1, data.GetProperty("version").GetInt32());
        Assert.Equal("Alert", data.GetProperty("msgType").GetString());
        Assert.Equal("Severe", data.GetProperty("severity").GetString());
        Assert.Equal("Immediate", data.GetProperty("urgency").GetString());
        Assert.Equal("Observed", data.GetProperty("certainty").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("killed").ValueKind);
        Assert.Equal(2, data.GetProperty("injured").GetInt32());
        Assert.Equal(40_000, data.GetProperty("outageCustomers").GetInt64());
        Assert.Equal("UA-63", data.GetProperty("regions")[0].GetString());
        Assert.Equal("power_grid", data.GetProperty("targets")[0].GetString());
        Assert.Equal(0, data.GetProperty("changes").GetArrayLength());
        Assert.Single(data.GetProperty("reasons").EnumerateArray());
        var source = data.GetProperty("sources")[0];
        Assert.Equal("wire-1001", source.GetProperty("itemId").GetString());
        Assert.Equal("test-wire", source.GetProperty("feed").GetString());
        Assert.Equal("https://news.example.org/wire/1001", source.GetProperty("url").GetString());
        foreach (var name in new[] { "sent", "headline", "description", "country" })
        {
            Assert.True(data.TryGetProperty(name, out _), name);
        }
    }

    [Theory]
    [InlineData("json")]
    [InlineData("cap")]
    public async Task SendAsync_BatchedDelivery_PostsTheSameSignedBodyAsTheAlertsOwnDelivery(string format)
    {
        // A batch's delivery carries the alert as the JSON routing wrote, not as an object: the receiver must not see
        // the difference, to the byte and the signature.
        await using var services = Services(format: format);
        var alert = SampleAlerts.KyivInUkrainian() with { Killed = null, Changes = ["injured 2 -> 5"] };
        var payload = AlertPayload.Parse(JsonSerializer.SerializeToUtf8Bytes(alert, WebhookPayload.SerializerOptions));

        await SendAsync(services, new WebhookDelivery(AlertEventKind.Updated, alert, "relief-hook"));
        await SendAsync(services, new BatchedWebhookDelivery(new AlertWebhooks(AlertEventKind.Updated, payload, null, []), "relief-hook"));

        Assert.Equal(2, _receiver.Requests.Count);
        var (own, batched) = (_receiver.Requests.First(), _receiver.Requests.Last());
        Assert.Equal(own.Body, batched.Body);
        Assert.Equal(own.Headers["webhook-id"], batched.Headers["webhook-id"]);
        Assert.Equal(own.Headers["webhook-signature"], batched.Headers["webhook-signature"]);
        Assert.Equal(own.Headers["content-type"], batched.Headers["content-type"]);
    }

    [Theory]
    [InlineData(AlertEventKind.Raised)]
    [InlineData(AlertEventKind.Updated)]
    [InlineData(AlertEventKind.Cancelled)]
    public void Serialize_AlertJson_WritesTheSameBytesAsFromTheAlert(AlertEventKind kind)
    {
        var alert = SampleAlerts.KyivInUkrainian();
        var json = JsonSerializer.SerializeToUtf8Bytes(alert, WebhookPayload.SerializerOptions);
        var at = new DateTimeOffset(2025, 11, 8, 7, 5, 3, 120, TimeSpan.FromHours(2));

        Assert.Equal(
            Encoding.UTF8.GetString(WebhookPayload.Serialize(kind, alert, at)),
            Encoding.UTF8.GetString(WebhookPayload.Serialize(kind, json, at)));
    }

    [Fact]
    public async Task SendAsync_CapFormat_PostsSignedCapXml()
    {
        await using var services = Services(format: "cap");

        var result = await SendAsync(services, new WebhookDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "relief-hook"));

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var request = Assert.Single(_receiver.Requests);
        Assert.StartsWith("application/cap+xml", request.Headers["content-type"], StringComparison.Ordinal);
        Assert.True(WebhookSignatureTests.ReceiverAccepts(
            WebhookSignatureTests.Secret, request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Body,
            request.Headers["webhook-signature"]));
        var cap = System.Xml.Linq.XDocument.Load(new MemoryStream(request.Body));
        Assert.Equal("urn:oasis:names:tc:emergency:cap:1.2", cap.Root!.Name.NamespaceName);
    }

    [Fact]
    public async Task SendAsync_CancelledEvent_UsesCancelledType()
    {
        await using var services = Services();
        var alert = SampleAlerts.Kharkiv(version: 3) with { MsgType = Contracts.MsgType.Cancel };

        await SendAsync(services, new WebhookDelivery(AlertEventKind.Cancelled, alert, "relief-hook", "duplicate report"));

        using var json = JsonDocument.Parse(Assert.Single(_receiver.Requests).Body);
        Assert.Equal("alert.cancelled", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("Cancel", json.RootElement.GetProperty("data").GetProperty("msgType").GetString());
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(410)]
    [InlineData(422)]
    public async Task SendAsync_Receiver4xx_IsPermanent(int status)
    {
        await using var services = Services();
        _receiver.AnswerWith(status);

        var result = await SendAsync(services, new WebhookDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "relief-hook"));

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Contains($"HTTP {status}", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    public async Task SendAsync_Redirect_IsPermanentAndNotFollowed(int status)
    {
        await using var services = Services();
        _receiver.AnswerWith(status);

        var result = await SendAsync(services, new WebhookDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "relief-hook"));

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Contains("not followed; configure the final URL", result.Error, StringComparison.Ordinal);
        Assert.Single(_receiver.Requests);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task SendAsync_ReceiverRetryableAnswer_IsTransient(int status)
    {
        await using var services = Services();
        _receiver.AnswerWith(status);

        var result = await SendAsync(services, new WebhookDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "relief-hook"));

        Assert.Equal(DeliveryOutcome.Transient, result.Outcome);
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task DeliverAsync_503ThenOk_RetriesWithSameWebhookId()
    {
        await using var services = Services();
        var dispatcher = services.Get<DeliveryDispatcher>();
        var delivery = new WebhookDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "relief-hook");
        _receiver.AnswerWith(503);

        // Webhooks do not throw for the consumer's retry: the next attempt is scheduled in the store instead.
        var first = await dispatcher.DeliverAsync(delivery, DeliveryChannel.Webhook, attempt: 0, lastAttempt: false, CancellationToken.None);
        Assert.Equal(DeliveryOutcome.Transient, first);
        services.Time.Advance(TimeSpan.FromSeconds(30));
        var outcome = await dispatcher.DeliverAsync(delivery, DeliveryChannel.Webhook, attempt: 1, lastAttempt: false, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, outcome);
        var requests = _receiver.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal(requests[0].Headers["webhook-id"], requests[1].Headers["webhook-id"]);
        Assert.NotEqual(requests[0].Headers["webhook-timestamp"], requests[1].Headers["webhook-timestamp"]);
        var entry = await services.Get<DeliveryLog>().FindAsync(new DeliveryKey(delivery.Alert.AlertId, 1, "relief-hook"));
        Assert.NotNull(entry);
        Assert.Equal(DeliveryStatus.Delivered, entry.Status);
        Assert.Equal(2, entry.Attempts);
        Assert.Contains("HTTP 503", entry.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliverAsync_410_LogsFailedWithoutThrowing()
    {
        await using var services = Services();
        var delivery = new WebhookDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "relief-hook");
        _receiver.AnswerWith(410);

        var outcome = await services.Get<DeliveryDispatcher>()
            .DeliverAsync(delivery, DeliveryChannel.Webhook, attempt: 0, lastAttempt: false, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Permanent, outcome);
        var entry = await services.Get<DeliveryLog>().FindAsync(new DeliveryKey(delivery.Alert.AlertId, 1, "relief-hook"));
        Assert.Equal(DeliveryStatus.Failed, entry!.Status);
        Assert.Equal("http://127.0.0.1:" + new Uri(_receiver.BaseUrl).Port + "/hooks/alerts", entry.Recipient);
    }

    [Fact]
    public async Task SendAsync_LoopbackTargetWithoutAllowPrivate_RefusedBeforeAnyRequest()
    {
        await using var services = Services(allowPrivate: false);

        var result = await SendAsync(services, new WebhookDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "relief-hook"));

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Contains("AllowPrivateTargets", result.Error, StringComparison.Ordinal);
        Assert.Empty(_receiver.Requests);
    }

    [Fact]
    public async Task SendAsync_LocalhostNameWithoutAllowPrivate_RefusedAfterResolving()
    {
        await using var services = DeliveryServices.Create(new Dictionary<string, string?>
        {
            ["OutageAlerts:Subscriptions:0:Id"] = "relief-hook",
            ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
            ["OutageAlerts:Subscriptions:0:Target"] = $"http://localhost:{new Uri(_receiver.BaseUrl).Port}/hooks",
            ["OutageAlerts:Subscriptions:0:Secret"] = WebhookSignatureTests.Secret,
        });

        var result = await SendAsync(services, new WebhookDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "relief-hook"));

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Contains("'localhost'", result.Error, StringComparison.Ordinal);
        Assert.Empty(_receiver.Requests);
    }
}
