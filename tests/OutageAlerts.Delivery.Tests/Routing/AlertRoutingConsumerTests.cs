using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Pull;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Tests.Webhooks;

namespace OutageAlerts.Delivery.Tests.Routing;

public sealed class AlertRoutingConsumerTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly string _outbox = Path.Combine(Path.GetTempPath(), "outage-alerts-routing-" + Guid.NewGuid().ToString("N"));
    private TestReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await TestReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        if (Directory.Exists(_outbox))
        {
            Directory.Delete(_outbox, recursive: true);
        }
    }

    private static async Task<(DeliveryServices Services, ITestHarness Harness)> StartAsync(Dictionary<string, string?> settings)
    {
        settings["OutageAlerts:Delivery:RetryLimit"] = "2";
        settings["OutageAlerts:Delivery:RetryMinInterval"] = "00:00:00.010";
        settings["OutageAlerts:Delivery:RetryMaxInterval"] = "00:00:00.050";
        var services = DeliveryServices.Create(
            settings, s => s.AddMassTransitTestHarness(bus => bus.AddDeliveryConsumers()), realClock: true);
        var harness = services.Get<ITestHarness>();
        harness.TestTimeout = WaitLimit;
        await harness.Start();
        return (services, harness);
    }

    private Dictionary<string, string?> OutboxSubscriptions() => new()
    {
        ["OutageAlerts:Delivery:OutboxDirectory"] = _outbox,
        ["OutageAlerts:Subscriptions:0:Id"] = "east-desk",
        ["OutageAlerts:Subscriptions:0:Channel"] = "email",
        ["OutageAlerts:Subscriptions:0:Target"] = "east@relief.example.org",
        ["OutageAlerts:Subscriptions:0:MinSeverity"] = "Moderate",
        ["OutageAlerts:Subscriptions:0:Regions"] = "UA-63,UA-14",
        ["OutageAlerts:Subscriptions:1:Id"] = "south-desk",
        ["OutageAlerts:Subscriptions:1:Channel"] = "email",
        ["OutageAlerts:Subscriptions:1:Target"] = "south@relief.example.org",
        ["OutageAlerts:Subscriptions:1:Regions"] = "UA-51",
        ["OutageAlerts:Subscriptions:2:Id"] = "worst-only",
        ["OutageAlerts:Subscriptions:2:Channel"] = "sms",
        ["OutageAlerts:Subscriptions:2:Target"] = "+380671234567",
        ["OutageAlerts:Subscriptions:2:MinSeverity"] = "Extreme",
        ["OutageAlerts:Subscriptions:3:Id"] = "grid-feed",
        ["OutageAlerts:Subscriptions:3:Channel"] = "webhook",
        ["OutageAlerts:Subscriptions:3:Target"] = "https://hooks.example.org/grid",
        ["OutageAlerts:Subscriptions:3:Secret"] = WebhookSignatureTests.Secret,
        ["OutageAlerts:Subscriptions:3:Targets:0"] = "power_grid",
    };

    private string[] OutboxFiles() =>
        Directory.Exists(_outbox) ? [.. Directory.GetFiles(_outbox).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)] : [];

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var limit = new CancellationTokenSource(WaitLimit);
        while (!await condition())
        {
            await Task.Delay(20, limit.Token);
        }
    }

    private Task WaitForFilesAsync(int count) => WaitUntilAsync(() => Task.FromResult(OutboxFiles().Length >= count));

    [Fact]
    public async Task Consume_AlertRaised_DeliversToEachMatchingSubscriptionOnItsChannelQueue()
    {
        var (services, harness) = await StartAsync(OutboxSubscriptions());
        await using var _ = services;

        await harness.Bus.Publish(new AlertRaised(SampleAlerts.Kharkiv()));
        await WaitForFilesAsync(2);

        Assert.True(await harness.Sent.Any<EmailDelivery>(m => m.Context.DestinationAddress!.AbsolutePath.EndsWith(DeliveryQueues.Email, StringComparison.Ordinal)));
        Assert.True(await harness.Sent.Any<WebhookDeliveryBatch>(m => m.Context.DestinationAddress!.AbsolutePath.EndsWith(DeliveryQueues.Webhook, StringComparison.Ordinal)));
        Assert.False(await harness.Sent.Any<SmsDelivery>());
        var files = OutboxFiles();
        Assert.Equal(2, files.Length);
        Assert.Contains(files, f => f.EndsWith("-email-inc-2025-11-08-kharkiv-v1-east-desk.eml", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("-webhook-inc-2025-11-08-kharkiv-v1-grid-feed.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Consume_AlertRaised_IsServedToPullConsumersWithItsRoutedRows()
    {
        // The current alert is now written with the first routed row (issue 10): it must still be there.
        var (services, harness) = await StartAsync(OutboxSubscriptions());
        await using var _ = services;
        var alert = SampleAlerts.Kharkiv();

        await harness.Bus.Publish(new AlertRaised(alert));
        await WaitForFilesAsync(2);

        var current = await services.Get<CurrentAlerts>().FindAsync(alert.AlertId);
        Assert.Equal(alert.Version, current!.Alert.Version);
        Assert.NotEmpty(await services.Get<DeliveryLog>().ListForAlertAsync(alert.AlertId));
    }

    [Fact]
    public async Task Consume_AlertNobodySubscribedTo_IsStillServedToPullConsumers()
    {
        var settings = OutboxSubscriptions();
        foreach (var key in settings.Keys.Where(k => k.StartsWith("OutageAlerts:Subscriptions:", StringComparison.Ordinal)).ToList())
        {
            settings.Remove(key);
        }

        settings["OutageAlerts:Subscriptions:0:Id"] = "south-desk";
        settings["OutageAlerts:Subscriptions:0:Channel"] = "email";
        settings["OutageAlerts:Subscriptions:0:Target"] = "south@relief.example.org";
        settings["OutageAlerts:Subscriptions:0:Regions"] = "UA-51";
        var (services, harness) = await StartAsync(settings);
        await using var _ = services;
        var alert = SampleAlerts.Kharkiv();

        await harness.Bus.Publish(new AlertRaised(alert));

        await WaitUntilAsync(async () => await services.Get<CurrentAlerts>().FindAsync(alert.AlertId) is not null);
        Assert.Empty(await services.Get<DeliveryLog>().ListForAlertAsync(alert.AlertId));
        Assert.Empty(OutboxFiles());
    }

    [Fact]
    public async Task Consume_UpdateAndCancel_GoToThoseWhoGotTheAlert()
    {
        var (services, harness) = await StartAsync(OutboxSubscriptions());
        await using var _ = services;
        var log = services.Get<DeliveryLog>();
        var raised = SampleAlerts.Odesa(Severity.Moderate) with { Targets = ["education"] };

        await harness.Bus.Publish(new AlertRaised(raised));
        await WaitForFilesAsync(1);
        // Downgraded below south-desk's filter? It has none; east-desk never matched (wrong region).
        var downgraded = raised with { Version = 2, MsgType = MsgType.Update, Severity = Severity.Minor };
        await harness.Bus.Publish(new AlertUpdated(downgraded));
        await WaitForFilesAsync(2);
        // Escalated to Extreme in the cancel message: worst-only matches the data but never received the alert.
        var cancelled = raised with { Version = 3, MsgType = MsgType.Cancel, Severity = Severity.Extreme };
        await harness.Bus.Publish(new AlertCancelled(cancelled, "report withdrawn by the source"));
        await WaitForFilesAsync(3);
        await harness.InactivityTask;

        var files = OutboxFiles();
        Assert.Equal(3, files.Length);
        Assert.All(files, f => Assert.Contains("-email-inc-2025-11-08-odesa-v", f, StringComparison.Ordinal));
        Assert.All(files, f => Assert.EndsWith("-south-desk.eml", f, StringComparison.Ordinal));
        var entries = await log.ListForAlertAsync(raised.AlertId);
        Assert.Equal([AlertEventKind.Raised, AlertEventKind.Updated, AlertEventKind.Cancelled], entries.Select(e => e.Kind));
        Assert.All(entries, e => Assert.Equal(DeliveryStatus.Delivered, e.Status));
    }

    [Fact]
    public async Task Consume_UpdateThatDropsBelowMinSeverity_StillReachesEarlierRecipient()
    {
        var (services, harness) = await StartAsync(OutboxSubscriptions());
        await using var _ = services;

        await harness.Bus.Publish(new AlertRaised(SampleAlerts.Kharkiv(severity: Severity.Severe) with { Targets = ["residential"] }));
        await WaitForFilesAsync(1);
        await harness.Bus.Publish(new AlertUpdated(SampleAlerts.Kharkiv(version: 2, severity: Severity.Minor) with { Targets = ["residential"] }));
        await WaitForFilesAsync(2);

        Assert.Equal(2, OutboxFiles().Count(f => f.EndsWith("-east-desk.eml", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Consume_ReceiverFailsThenRecovers_RetriesWithSameWebhookId()
    {
        var (services, harness) = await StartAsync(new Dictionary<string, string?>
        {
            ["OutageAlerts:Webhooks:AllowPrivateTargets"] = "true",
            ["OutageAlerts:Subscriptions:0:Id"] = "local-hook",
            ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
            ["OutageAlerts:Subscriptions:0:Target"] = _receiver.BaseUrl + "/in",
            ["OutageAlerts:Subscriptions:0:Secret"] = WebhookSignatureTests.Secret,
            ["OutageAlerts:Webhooks:RetrySchedule:0"] = "00:00:00",
            ["OutageAlerts:Webhooks:RetrySchedule:1"] = "00:00:00",
        });
        await using var _ = services;
        _receiver.AnswerWith(503, 500);
        var alert = SampleAlerts.Kharkiv();

        await harness.Bus.Publish(new AlertRaised(alert));
        var key = new DeliveryKey(alert.AlertId, 1, "local-hook");
        var pump = services.Get<DeliveryRetryPump>();
        await WaitUntilAsync(async () =>
        {
            await pump.RunDueAsync(CancellationToken.None);
            return (await services.Get<DeliveryLog>().FindAsync(key))?.Status == DeliveryStatus.Delivered;
        });

        var requests = _receiver.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.Single(requests.Select(r => r.Headers["webhook-id"]).Distinct());
        Assert.Equal(3, (await services.Get<DeliveryLog>().FindAsync(key))!.Attempts);
    }

    [Fact]
    public async Task Consume_ReceiverKeepsFailing_StopsWhenScheduleIsUsedUpAndLogsFailed()
    {
        var (services, harness) = await StartAsync(new Dictionary<string, string?>
        {
            ["OutageAlerts:Webhooks:AllowPrivateTargets"] = "true",
            ["OutageAlerts:Subscriptions:0:Id"] = "local-hook",
            ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
            ["OutageAlerts:Subscriptions:0:Target"] = _receiver.BaseUrl + "/in",
            ["OutageAlerts:Subscriptions:0:Secret"] = WebhookSignatureTests.Secret,
            ["OutageAlerts:Webhooks:RetrySchedule:0"] = "00:00:00",
            ["OutageAlerts:Webhooks:RetrySchedule:1"] = "00:00:00",
        });
        await using var _ = services;
        _receiver.AnswerWith(503, 503, 503, 503, 503);
        var alert = SampleAlerts.Kharkiv();

        await harness.Bus.Publish(new AlertRaised(alert));
        var key = new DeliveryKey(alert.AlertId, 1, "local-hook");
        var pump = services.Get<DeliveryRetryPump>();
        await WaitUntilAsync(async () =>
        {
            await pump.RunDueAsync(CancellationToken.None);
            return (await services.Get<DeliveryLog>().FindAsync(key))?.Status == DeliveryStatus.Failed;
        });

        // The schedule ran out in the store; the bus message was consumed at the first attempt and never faulted.
        Assert.False(await harness.Published.Any<Fault<WebhookDeliveryBatch>>());
        Assert.Empty(await services.Get<DeliveryRetries>().ListAsync());
        Assert.Equal(3, _receiver.Requests.Count);
        Assert.Equal(3, (await services.Get<DeliveryLog>().FindAsync(key))!.Attempts);
    }

    [Fact]
    public async Task Consume_ReceiverAnswers410_NotRetried()
    {
        var (services, harness) = await StartAsync(new Dictionary<string, string?>
        {
            ["OutageAlerts:Webhooks:AllowPrivateTargets"] = "true",
            ["OutageAlerts:Subscriptions:0:Id"] = "local-hook",
            ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
            ["OutageAlerts:Subscriptions:0:Target"] = _receiver.BaseUrl + "/in",
            ["OutageAlerts:Subscriptions:0:Secret"] = WebhookSignatureTests.Secret,
        });
        await using var _ = services;
        _receiver.AnswerWith(410);
        var alert = SampleAlerts.Kharkiv();

        await harness.Bus.Publish(new AlertRaised(alert));
        var key = new DeliveryKey(alert.AlertId, 1, "local-hook");
        await WaitUntilAsync(async () => (await services.Get<DeliveryLog>().FindAsync(key))?.Status == DeliveryStatus.Failed);
        await harness.InactivityTask;

        Assert.Single(_receiver.Requests);
        Assert.False(await harness.Published.Any<Fault<WebhookDeliveryBatch>>());
    }
}
