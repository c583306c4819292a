using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Digests;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Tests.Routing;

/// <summary>Routing with its policies on the MassTransit test harness, the real store and the outbox.</summary>
public sealed class AlertRoutingPolicyTests : IDisposable
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly string _outbox = Path.Combine(Path.GetTempPath(), "outage-alerts-policy-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_outbox))
        {
            Directory.Delete(_outbox, recursive: true);
        }
    }

    private async Task<(DeliveryServices Services, ITestHarness Harness)> StartAsync(Dictionary<string, string?> subscriptions)
    {
        var settings = new Dictionary<string, string?>(subscriptions)
        {
            ["OutageAlerts:Delivery:OutboxDirectory"] = _outbox,
            ["OutageAlerts:Delivery:RetryLimit"] = "1",
            ["OutageAlerts:Delivery:RetryMinInterval"] = "00:00:00.010",
            ["OutageAlerts:Delivery:RetryMaxInterval"] = "00:00:00.050",
            ["OutageAlerts:Delivery:RecipientCaps:Email"] = "2",
        };
        var services = DeliveryServices.Create(settings, s => s.AddMassTransitTestHarness(bus => bus.AddDeliveryConsumers()), realClock: true);
        var harness = services.Get<ITestHarness>();
        harness.TestTimeout = WaitLimit;
        await harness.Start();
        return (services, harness);
    }

    private static Dictionary<string, string?> Email(int index, string id, string target, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"OutageAlerts:Subscriptions:{index}:Id"] = id,
            [$"OutageAlerts:Subscriptions:{index}:Channel"] = "email",
            [$"OutageAlerts:Subscriptions:{index}:Target"] = target,
        };
        foreach (var (key, value) in extra)
        {
            settings[$"OutageAlerts:Subscriptions:{index}:{key}"] = value;
        }

        return settings;
    }

    private static Dictionary<string, string?> Merge(params Dictionary<string, string?>[] parts) =>
        parts.SelectMany(p => p).ToDictionary(p => p.Key, p => p.Value);

    private string[] OutboxFiles() =>
        Directory.Exists(_outbox) ? [.. Directory.GetFiles(_outbox).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)).Select(f => Path.GetFileName(f)!)] : [];

    private static async Task<DeliveryLogEntry> WaitForStatusAsync(DeliveryLog log, DeliveryKey key, DeliveryStatus status)
    {
        using var limit = new CancellationTokenSource(WaitLimit);
        while (true)
        {
            if (await log.FindAsync(key) is { } entry && entry.Status == status)
            {
                return entry;
            }

            await Task.Delay(20, limit.Token);
        }
    }

    private static async Task<DeliveryLogEntry> WaitForSettledAsync(DeliveryLog log, DeliveryKey key)
    {
        using var limit = new CancellationTokenSource(WaitLimit);
        while (true)
        {
            if (await log.FindAsync(key) is { Status: not DeliveryStatus.Pending } entry)
            {
                return entry;
            }

            await Task.Delay(20, limit.Token);
        }
    }

    [Fact]
    public async Task Consume_TwoSubscriptionsOfOneRecipient_SendsOneEmailAndLogsTheOtherAsSuppressed()
    {
        var (services, harness) = await StartAsync(Merge(
            Email(0, "desk-grid", "Desk@Relief.example.org", ("Targets", "power_grid")),
            Email(1, "desk-kharkiv", "desk@relief.example.org", ("Regions", "UA-63"))));
        await using var _ = services;
        var log = services.Get<DeliveryLog>();
        var alert = SampleAlerts.Kharkiv();

        await harness.Bus.Publish(new AlertRaised(alert));
        await WaitForStatusAsync(log, new DeliveryKey(alert.AlertId, 1, "desk-grid"), DeliveryStatus.Delivered);
        await harness.InactivityTask;

        var suppressed = await log.FindAsync(new DeliveryKey(alert.AlertId, 1, "desk-kharkiv"));
        Assert.Equal(DeliveryStatus.Suppressed, suppressed!.Status);
        Assert.Contains("same recipient as subscription desk-grid", suppressed.LastError, StringComparison.Ordinal);
        Assert.Single(OutboxFiles());
    }

    [Fact]
    public async Task Consume_RecipientCapReached_SuppressesTheThirdAlertButNotTheExtremeOne()
    {
        var (services, harness) = await StartAsync(Email(0, "busy-desk", "busy@relief.example.org"));
        await using var _ = services;
        var log = services.Get<DeliveryLog>();
        var alerts = Enumerable.Range(1, 3)
            .Select(i => SampleAlerts.Odesa(Severity.Severe) with { AlertId = $"inc-cap-{i}" })
            .Append(SampleAlerts.Odesa(Severity.Extreme) with { AlertId = "inc-cap-extreme" })
            .ToList();

        // One after the other: the cap counts what was routed before, and routing runs several alerts at once.
        var statuses = new List<DeliveryStatus>();
        foreach (var alert in alerts)
        {
            await harness.Bus.Publish(new AlertRaised(alert));
            statuses.Add((await WaitForSettledAsync(log, new DeliveryKey(alert.AlertId, 1, "busy-desk"))).Status);
        }

        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.Delivered, DeliveryStatus.Suppressed, DeliveryStatus.Delivered], statuses);
        Assert.Equal(3, OutboxFiles().Length);
    }

    [Fact]
    public async Task Consume_InsideQuietHours_KeepsTheDeliveryInTheStoreUntilTheyEnd()
    {
        var now = TimeProvider.System.GetUtcNow();
        var quiet = $"{now.AddHours(-1):HH:mm}-{now.AddHours(2):HH:mm}";
        var (services, harness) = await StartAsync(Email(0, "night-desk", "night@relief.example.org", ("QuietHours", quiet), ("TimeZone", "UTC")));
        await using var _ = services;
        var alert = SampleAlerts.Kharkiv(severity: Severity.Severe);

        await harness.Bus.Publish(new AlertRaised(alert));
        await harness.InactivityTask;

        var retry = Assert.Single(await services.Get<DeliveryRetries>().ListAsync());
        Assert.Equal(new DeliveryKey(alert.AlertId, 1, "night-desk"), retry.Key);
        Assert.InRange(retry.DueAt - now, TimeSpan.FromHours(1.9), TimeSpan.FromHours(2.1));
        Assert.Equal(DeliveryStatus.Pending, (await services.Get<DeliveryLog>().FindAsync(retry.Key))!.Status);
        Assert.NotNull(await services.Get<AlertArchive>().FindAsync(alert.AlertId, 1));
        Assert.Empty(OutboxFiles());
    }

    [Fact]
    public async Task Consume_DigestSubscriptionAndModerateAlert_QueuesItForTheDigestInsteadOfSending()
    {
        var (services, harness) = await StartAsync(Email(0, "weekly-reader", "reader@relief.example.org", ("Mode", "digest"), ("DigestPeriod", "hourly")));
        await using var _ = services;
        var moderate = SampleAlerts.Odesa(Severity.Moderate);
        var severe = SampleAlerts.Kharkiv(severity: Severity.Severe);

        await harness.Bus.Publish(new AlertRaised(moderate));
        await harness.Bus.Publish(new AlertRaised(severe));
        await WaitForStatusAsync(services.Get<DeliveryLog>(), new DeliveryKey(severe.AlertId, 1, "weekly-reader"), DeliveryStatus.Delivered);
        await harness.InactivityTask;

        Assert.Equal(1, await services.Get<DigestSchedule>().CountPendingAsync(CancellationToken.None));
        var files = OutboxFiles();
        Assert.Single(files);
        Assert.Contains(severe.AlertId, files[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consume_QueuedEmailOvertakenByANewerVersion_SendsOnlyTheNewest()
    {
        var (services, harness) = await StartAsync(Email(0, "desk", "desk@relief.example.org"));
        await using var _ = services;
        var log = services.Get<DeliveryLog>();
        var dispatcher = services.Get<DeliveryDispatcher>();
        var v1 = SampleAlerts.Kharkiv();
        var v2 = SampleAlerts.Kharkiv(version: 2);
        // v1 was routed but still waits in its queue when v2 is routed.
        await log.RecordRoutedAsync(new DeliveryKey(v1.AlertId, 1, "desk"), DeliveryChannel.Email, "desk@relief.example.org", AlertEventKind.Raised, CancellationToken.None);
        await harness.Bus.Publish(new AlertUpdated(v2));
        await WaitForStatusAsync(log, new DeliveryKey(v2.AlertId, 2, "desk"), DeliveryStatus.Delivered);

        var outcome = await dispatcher.DeliverAsync(new EmailDelivery(AlertEventKind.Raised, v1, "desk"), DeliveryChannel.Email, 0, false, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Permanent, outcome);
        var first = await log.FindAsync(new DeliveryKey(v1.AlertId, 1, "desk"));
        Assert.Equal(DeliveryStatus.Suppressed, first!.Status);
        Assert.Contains("superseded by version 2", first.LastError, StringComparison.Ordinal);
        Assert.Single(OutboxFiles());
    }
}
