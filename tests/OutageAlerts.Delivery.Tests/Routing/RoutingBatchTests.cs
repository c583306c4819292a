using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Options;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Tests.Webhooks;

namespace OutageAlerts.Delivery.Tests.Routing;

/// <summary>
/// Routing takes alerts in batches and sends a batch's webhook deliveries in one message (issue 10); the real consumers
/// on MassTransit's test harness, webhooks to a loopback receiver.
/// </summary>
public sealed class RoutingBatchTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private TestReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await TestReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private Dictionary<string, string?> Settings(int batchSize, string batchWait) => new()
    {
        ["OutageAlerts:Delivery:RoutingBatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["OutageAlerts:Delivery:RoutingBatchWait"] = batchWait,
        ["OutageAlerts:Webhooks:AllowPrivateTargets"] = "true",
        ["OutageAlerts:Subscriptions:0:Id"] = "grid-hook",
        ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
        ["OutageAlerts:Subscriptions:0:Target"] = _receiver.BaseUrl + "/grid",
        ["OutageAlerts:Subscriptions:0:Secret"] = WebhookSignatureTests.Secret,
        ["OutageAlerts:Subscriptions:1:Id"] = "all-hook",
        ["OutageAlerts:Subscriptions:1:Channel"] = "webhook",
        ["OutageAlerts:Subscriptions:1:Target"] = _receiver.BaseUrl + "/all",
        ["OutageAlerts:Subscriptions:1:Secret"] = WebhookSignatureTests.Secret,
    };

    private static async Task<(DeliveryServices Services, ITestHarness Harness)> StartAsync(Dictionary<string, string?> settings)
    {
        settings.TryAdd("OutageAlerts:Delivery:RetryLimit", "2");
        settings.TryAdd("OutageAlerts:Delivery:RetryMinInterval", "00:00:00.010");
        settings.TryAdd("OutageAlerts:Delivery:RetryMaxInterval", "00:00:00.050");
        var services = DeliveryServices.Create(
            settings, s => s.AddMassTransitTestHarness(bus => bus.AddDeliveryConsumers()), realClock: true);
        var harness = services.Get<ITestHarness>();
        harness.TestTimeout = WaitLimit;
        await harness.Start();
        return (services, harness);
    }

    private static Alert Numbered(int i) => SampleAlerts.Kharkiv() with { AlertId = $"inc-2025-11-08-kharkiv-{i}" };

    private async Task WaitForRequestsAsync(int count)
    {
        using var limit = new CancellationTokenSource(WaitLimit);
        while (_receiver.Requests.Count < count)
        {
            await Task.Delay(20, limit.Token);
        }
    }

    private static string AlertIdOf(ReceivedRequest request) =>
        JsonDocument.Parse(request.Body).RootElement.GetProperty("data").GetProperty("alertId").GetString()!;

    [Fact]
    public async Task Consume_BurstOfAlerts_SendsTheBatchsWebhooksInOneMessageEachAlertOnce()
    {
        // A long wait, so the five alerts surely meet in one batch; the size limit then routes it at once.
        var (services, harness) = await StartAsync(Settings(batchSize: 5, batchWait: "00:00:01"));
        await using var _ = services;

        await Task.WhenAll(Enumerable.Range(1, 5).Select(i => harness.Bus.Publish(new AlertRaised(Numbered(i)))));
        await WaitForRequestsAsync(10);
        await harness.InactivityTask;

        var message = Assert.Single(harness.Sent.Select<WebhookDeliveryBatch>()).Context.Message;
        Assert.Equal(5, message.Alerts.Count);
        Assert.All(message.Alerts, a => Assert.Equal(2, a.Recipients.Count));
        Assert.Equal(
            [.. Enumerable.Range(1, 5).SelectMany(i => new[] { ($"inc-2025-11-08-kharkiv-{i}", "all-hook"), ($"inc-2025-11-08-kharkiv-{i}", "grid-hook") })],
            message.Alerts.SelectMany(a => a.Recipients.Select(r => (a.Alert.Head.AlertId, r.SubscriptionId))).Order().ToArray());
        Assert.Equal(10, _receiver.Requests.Count);
        Assert.Equal(5, _receiver.Requests.Select(AlertIdOf).Distinct().Count());
        Assert.False(await harness.Published.Any<Fault<WebhookDeliveryBatch>>());
    }

    [Fact]
    public void Batch_DeliveriesOfTwoAlerts_EachAlertOnceWithItsRecipientsInOrder()
    {
        var first = AlertPayload.From(Numbered(1));
        var second = AlertPayload.From(Numbered(2));
        var chunk = new AlertRoutingConsumer.RoutedWebhook[]
        {
            new(AlertEventKind.Raised, first, null, "hook-a", "trace-a"),
            new(AlertEventKind.Raised, first, null, "hook-b", null),
            new(AlertEventKind.Raised, second, null, "hook-a", null),
        };

        var batch = AlertRoutingConsumer.Batch(chunk);

        Assert.Equal(2, batch.Alerts.Count);
        Assert.Same(first, batch.Alerts[0].Alert);
        Assert.Equal([new WebhookRecipient("hook-a", "trace-a"), new WebhookRecipient("hook-b", null)], batch.Alerts[0].Recipients);
        Assert.Same(second, batch.Alerts[1].Alert);
        Assert.Equal([new WebhookRecipient("hook-a", null)], batch.Alerts[1].Recipients);
    }

    [Fact]
    public async Task Consume_BatchSizeOne_SendsEachAlertsWebhooksInAMessageOfItsOwn()
    {
        var (services, harness) = await StartAsync(Settings(batchSize: 1, batchWait: "00:00:01"));
        await using var _ = services;

        foreach (var i in Enumerable.Range(1, 3))
        {
            await harness.Bus.Publish(new AlertRaised(Numbered(i)));
        }

        await WaitForRequestsAsync(6);
        await harness.InactivityTask;

        var messages = harness.Sent.Select<WebhookDeliveryBatch>().Select(m => m.Context.Message).ToList();
        Assert.Equal(3, messages.Count);
        Assert.All(messages, m => Assert.Equal(2, Assert.Single(m.Alerts).Recipients.Count));
    }

    [Fact]
    public async Task Consume_LoneAlert_IsRoutedAfterTheBatchWaitWithoutMoreAlerts()
    {
        // A batch that never fills is routed when its wait is over: one alert on a quiet night is not held back.
        var (services, harness) = await StartAsync(Settings(batchSize: 100, batchWait: "00:00:00.050"));
        await using var _ = services;

        await harness.Bus.Publish(new AlertRaised(Numbered(1)));

        await WaitForRequestsAsync(2);
        var message = Assert.Single(harness.Sent.Select<WebhookDeliveryBatch>()).Context.Message;
        Assert.Equal(2, Assert.Single(message.Alerts).Recipients.Count);
    }

    [Fact]
    public async Task Consume_OneAlertOfABatchCannotBeRouted_TheOthersAreDeliveredAndItAloneFaults()
    {
        // A malformed alert from a foreign publisher (no id: the delivery log refuses its row) fails its whole batch;
        // MassTransit then retries each alert of it on its own, so only the bad one ends in the error queue.
        var (services, harness) = await StartAsync(Settings(batchSize: 4, batchWait: "00:00:01"));
        await using var _ = services;
        var bad = Numbered(0) with { AlertId = null! };

        await Task.WhenAll(new[] { Numbered(1), bad, Numbered(2), Numbered(3) }.Select(a => harness.Bus.Publish(new AlertRaised(a))));
        await WaitForRequestsAsync(6);

        Assert.True(await harness.Published.Any<Fault<AlertRaised>>(f => f.Context.Message.Message.Alert.AlertId == null));
        await harness.InactivityTask;
        Assert.Equal(
            ["inc-2025-11-08-kharkiv-1", "inc-2025-11-08-kharkiv-2", "inc-2025-11-08-kharkiv-3"],
            _receiver.Requests.Select(AlertIdOf).Distinct().Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(6, _receiver.Requests.Count);
        Assert.Single(harness.Published.Select<Fault<AlertRaised>>());
    }

    [Fact]
    public async Task Consume_AlertsOfTwoTracesInOneBatch_EachDeliveryStaysInItsAlertsTrace()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is DeliveryTelemetry.Name or "MassTransit" or "publisher",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var publisher = new ActivitySource("publisher");
        var (services, harness) = await StartAsync(Settings(batchSize: 2, batchWait: "00:00:01"));
        await using var _ = services;

        // The listener hears every test running in parallel: alert ids of this test's own.
        var run = Guid.NewGuid().ToString("N");
        var traces = new Dictionary<string, ActivityTraceId>();
        foreach (var i in Enumerable.Range(1, 2))
        {
            var alert = Numbered(i) with { AlertId = $"inc-{run}-{i}" };
            using var poll = publisher.StartActivity("poll", ActivityKind.Internal, parentContext: default)!;
            traces[alert.AlertId] = poll.TraceId;
            await harness.Bus.Publish(new AlertRaised(alert));
        }

        await WaitForRequestsAsync(4);
        await harness.InactivityTask;

        Assert.Equal(4, Assert.Single(harness.Sent.Select<WebhookDeliveryBatch>()).Context.Message.Alerts.Sum(a => a.Recipients.Count));
        var all = spans.ToList();
        foreach (var (alertId, traceId) in traces)
        {
            var route = Assert.Single(all, s => s.DisplayName == "route alert" && Equals(s.GetTagItem("outagealerts.alert.id"), alertId));
            Assert.Equal(traceId, route.TraceId);
            var deliveries = all.Where(s => s.DisplayName == "deliver webhook" && Equals(s.GetTagItem("outagealerts.alert.id"), alertId)).ToList();
            Assert.Equal(2, deliveries.Count);
            Assert.All(deliveries, d => Assert.Equal(route.SpanId, d.ParentSpanId));
            Assert.All(deliveries, d => Assert.Equal(traceId, d.TraceId));
        }
    }

    [Theory]
    [InlineData("OutageAlerts:Delivery:RoutingBatchSize", "0")]
    [InlineData("OutageAlerts:Delivery:RoutingBatchSize", "1001")]
    [InlineData("OutageAlerts:Delivery:RoutingBatchWait", "00:00:00")]
    [InlineData("OutageAlerts:Delivery:RoutingBatchWait", "00:00:05")]
    public async Task Validate_RoutingBatchOutOfRange_FailsNamingTheKey(string key, string value)
    {
        var settings = Settings(batchSize: 32, batchWait: "00:00:00.010");
        settings[key] = value;
        await using var services = DeliveryServices.Create(settings);

        var ex = Assert.Throws<OptionsValidationException>(() => services.Get<IOptions<DeliveryOptions>>().Value);

        Assert.Contains(key + " must be between", ex.Message, StringComparison.Ordinal);
    }
}
