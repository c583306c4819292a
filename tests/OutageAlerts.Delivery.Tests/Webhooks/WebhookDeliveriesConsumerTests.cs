using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Http;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Testing;

namespace OutageAlerts.Delivery.Tests.Webhooks;

/// <summary>
/// The consumer of <see cref="WebhookDeliveries"/>: each delivery of a batch settled on its own, a redelivered batch
/// sending nothing twice, and the webhook channel's concurrency kept across batches.
/// </summary>
public sealed class WebhookDeliveriesConsumerTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private TestReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await TestReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static async Task<(DeliveryServices Services, ITestHarness Harness)> StartAsync(Dictionary<string, string?> settings)
    {
        var services = DeliveryServices.Create(
            settings, s => s.AddMassTransitTestHarness(bus => bus.AddDeliveryConsumers()), realClock: true);
        var harness = services.Get<ITestHarness>();
        harness.TestTimeout = WaitLimit;
        await harness.Start();
        return (services, harness);
    }

    private static Dictionary<string, string?> Hooks(string baseUrl, params string[] ids)
    {
        var settings = new Dictionary<string, string?> { ["OutageAlerts:Webhooks:AllowPrivateTargets"] = "true" };
        for (var i = 0; i < ids.Length; i++)
        {
            settings[$"OutageAlerts:Subscriptions:{i}:Id"] = ids[i];
            settings[$"OutageAlerts:Subscriptions:{i}:Channel"] = "webhook";
            settings[$"OutageAlerts:Subscriptions:{i}:Target"] = $"{baseUrl}/{ids[i]}";
            settings[$"OutageAlerts:Subscriptions:{i}:Secret"] = WebhookSignatureTests.Secret;
        }

        return settings;
    }

    private static Alert Numbered(int i) => SampleAlerts.Kharkiv() with { AlertId = $"inc-2025-11-08-kharkiv-{i}" };

    private static WebhookDeliveries Batch(IEnumerable<(Alert Alert, string SubscriptionId)> deliveries) =>
        new([.. deliveries.Select(d => new WebhookDeliveryEntry(new WebhookDelivery(AlertEventKind.Raised, d.Alert, d.SubscriptionId), null))]);

    private static async Task SendAsync(ITestHarness harness, WebhookDeliveries message)
    {
        var endpoint = await harness.Bus.GetSendEndpoint(DeliveryQueues.WebhookAddress);
        await endpoint.Send(message);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var limit = new CancellationTokenSource(WaitLimit);
        while (!await condition())
        {
            await Task.Delay(20, limit.Token);
        }
    }

    private static async Task<DeliveryStatus?> StatusAsync(DeliveryServices services, Alert alert, string subscriptionId) =>
        (await services.Get<DeliveryLog>().FindAsync(new DeliveryKey(alert.AlertId, alert.Version, subscriptionId)))?.Status;

    [Fact]
    public async Task Consume_OneReceiverFails_TheOthersAreDeliveredAndTheFailedOneWaitsInTheStore()
    {
        var (services, harness) = await StartAsync(Hooks(_receiver.BaseUrl, "hook-a", "hook-b", "hook-c"));
        await using var _ = services;
        var alert = Numbered(1);
        _receiver.AnswerWith(503);

        await SendAsync(harness, Batch([(alert, "hook-a"), (alert, "hook-b"), (alert, "hook-c")]));
        await WaitUntilAsync(async () => _receiver.Requests.Count == 3 && (await services.Get<DeliveryRetries>().ListAsync()).Count == 1);
        await harness.InactivityTask;

        var statuses = await Task.WhenAll(new[] { "hook-a", "hook-b", "hook-c" }.Select(id => StatusAsync(services, alert, id)));
        Assert.Equal(2, statuses.Count(s => s == DeliveryStatus.Delivered));
        var retry = Assert.Single(await services.Get<DeliveryRetries>().ListAsync());
        Assert.NotEqual(DeliveryStatus.Delivered, await StatusAsync(services, alert, retry.Key.SubscriptionId));
        Assert.True(await harness.Consumed.Any<WebhookDeliveries>());
        Assert.False(await harness.Published.Any<Fault<WebhookDeliveries>>());
    }

    [Fact]
    public async Task Consume_SameBatchTwice_SendsEachDeliveryOnce()
    {
        // What a retry of the whole message after a failure around one delivery amounts to: the rest are not resent.
        var (services, harness) = await StartAsync(Hooks(_receiver.BaseUrl, "hook-a", "hook-b"));
        await using var _ = services;
        var batch = Batch([(Numbered(1), "hook-a"), (Numbered(1), "hook-b"), (Numbered(2), "hook-a")]);

        await SendAsync(harness, batch);
        await WaitUntilAsync(() => Task.FromResult(_receiver.Requests.Count == 3));
        await SendAsync(harness, batch);
        await WaitUntilAsync(async () => await harness.Consumed.SelectAsync<WebhookDeliveries>().Count() == 2);
        await harness.InactivityTask;

        Assert.Equal(3, _receiver.Requests.Count);
        Assert.Equal(3, _receiver.Requests.Select(r => r.Headers["webhook-id"]).Distinct().Count());
    }

    [Fact]
    public async Task Consume_ManyBatches_NeverMorePostsInFlightThanTheWebhookLimit()
    {
        var inFlight = 0;
        var most = 0;
        var received = 0;
        await using var slow = await LocalHttpServer.StartAsync(async (_, context) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await Task.Delay(50);
            Interlocked.Decrement(ref inFlight);
            Interlocked.Increment(ref received);
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        var settings = Hooks(slow.BaseAddress.AbsoluteUri.TrimEnd('/'), "hook-a", "hook-b");
        settings["OutageAlerts:Delivery:Channels:Webhook:ConcurrentMessageLimit"] = "3";
        var (services, harness) = await StartAsync(settings);
        await using var _ = services;

        // Four messages of six deliveries each, all in the queue at once: 24 deliveries, at most 3 at a time.
        foreach (var first in new[] { 1, 4, 7, 10 })
        {
            await SendAsync(harness, Batch(Enumerable.Range(first, 3).SelectMany(i => new[] { (Numbered(i), "hook-a"), (Numbered(i), "hook-b") })));
        }

        await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref received) == 24));

        Assert.InRange(most, 2, 3);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
