using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Webhooks;

namespace OutageAlerts.Delivery.Tests.Webhooks;

/// <summary>
/// The consumer of <see cref="WebhookDeliveryBatch"/>: each alert's deliveries settled on their own, nothing sent twice
/// when the batch comes again, and the alert archived as the JSON routing wrote.
/// </summary>
public sealed class WebhookDeliveryBatchConsumerTests : IAsyncLifetime
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

    // As the delivery side gets it from the broker: the alert's JSON, not the routing side's object.
    private static AlertWebhooks Raised(Alert alert, params string[] subscriptions) => new(
        AlertEventKind.Raised,
        AlertPayload.Parse(JsonSerializer.SerializeToUtf8Bytes(alert, WebhookPayload.SerializerOptions)),
        null,
        [.. subscriptions.Select(s => new WebhookRecipient(s, null))]);

    private static async Task SendAsync(ITestHarness harness, WebhookDeliveryBatch message)
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

        await SendAsync(harness, new WebhookDeliveryBatch([Raised(alert, "hook-a", "hook-b", "hook-c")]));
        await WaitUntilAsync(async () => _receiver.Requests.Count == 3 && (await services.Get<DeliveryRetries>().ListAsync()).Count == 1);
        await harness.InactivityTask;

        var statuses = await Task.WhenAll(new[] { "hook-a", "hook-b", "hook-c" }.Select(id => StatusAsync(services, alert, id)));
        Assert.Equal(2, statuses.Count(s => s == DeliveryStatus.Delivered));
        var retry = Assert.Single(await services.Get<DeliveryRetries>().ListAsync());
        Assert.NotEqual(DeliveryStatus.Delivered, await StatusAsync(services, alert, retry.Key.SubscriptionId));
        Assert.True(await harness.Consumed.Any<WebhookDeliveryBatch>());
        Assert.False(await harness.Published.Any<Fault<WebhookDeliveryBatch>>());
    }

    [Fact]
    public async Task Consume_SameBatchTwice_SendsEachDeliveryOnce()
    {
        var (services, harness) = await StartAsync(Hooks(_receiver.BaseUrl, "hook-a", "hook-b"));
        await using var _ = services;
        var batch = new WebhookDeliveryBatch([Raised(Numbered(1), "hook-a", "hook-b"), Raised(Numbered(2), "hook-a")]);

        await SendAsync(harness, batch);
        await WaitUntilAsync(() => Task.FromResult(_receiver.Requests.Count == 3));
        await SendAsync(harness, batch);
        await WaitUntilAsync(async () => await harness.Consumed.SelectAsync<WebhookDeliveryBatch>().Count() == 2);
        await harness.InactivityTask;

        Assert.Equal(3, _receiver.Requests.Count);
        Assert.Equal(3, _receiver.Requests.Select(r => r.Headers["webhook-id"]).Distinct().Count());
    }

    [Fact]
    public async Task Consume_Batch_ArchivesEachAlertAndPostsItAsTheBodysData()
    {
        var (services, harness) = await StartAsync(Hooks(_receiver.BaseUrl, "hook-a"));
        await using var _ = services;
        var alert = SampleAlerts.KyivInUkrainian();
        var json = JsonSerializer.Serialize(alert, WebhookPayload.SerializerOptions);

        await SendAsync(harness, new WebhookDeliveryBatch([Raised(alert, "hook-a")]));
        await WaitUntilAsync(async () => await StatusAsync(services, alert, "hook-a") == DeliveryStatus.Delivered);

        var archived = await services.Get<AlertArchive>().FindAsync(alert.AlertId, alert.Version);
        Assert.NotNull(archived);
        Assert.Equal(json, JsonSerializer.Serialize(archived.Alert, WebhookPayload.SerializerOptions));
        using var body = JsonDocument.Parse(Assert.Single(_receiver.Requests).Body);
        Assert.Equal(json, body.RootElement.GetProperty("data").GetRawText());
    }
}
