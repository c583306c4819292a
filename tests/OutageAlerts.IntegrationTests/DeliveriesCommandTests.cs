using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.Storage;
using OutageAlerts.Testing;

namespace OutageAlerts.IntegrationTests;

/// <summary>
/// `deliveries list|replay` with the real executable against a real store whose delivery log the test writes
/// through DeliveryLog, as the delivery role would have.
/// </summary>
public sealed class DeliveriesCommandTests
{
    private static readonly DateTimeOffset Routed = new(2025, 11, 8, 5, 0, 0, TimeSpan.Zero);

    private const string Kharkiv = "oa-test-kharkiv";
    private const string Odesa = "oa-test-odesa";
    private const string EmailAddress = "duty.officer@relief.example.org";
    private const string WebhookUrl = "https://hooks.example.net/in/token-5f1c";
    private const string Phone = "+380501234567";

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task List_DeliveryLog_PrintsMaskedTableAndFilteredJsonLines(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using (var services = Services(store))
        {
            await PopulateAsync(services);
        }

        var table = await RunAsync(store, "deliveries", "list");
        var failed = await RunAsync(store, "deliveries", "list", "--status", "FAILED", "--json");
        var odesa = await RunAsync(store, "deliveries", "list", "--alert", Odesa, "--json");
        var limited = await RunAsync(store, "deliveries", "list", "--limit", "2");

        Assert.True(table.Exit == 0, table.Stderr);
        var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("UPDATED (UTC)", lines[0], StringComparison.Ordinal);
        Assert.Equal(6, lines.Length);
        Assert.Contains(lines, l => l.Contains(Kharkiv, StringComparison.Ordinal) && l.Contains("d***@relief.example.org", StringComparison.Ordinal) && l.Contains("delivered", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("https://hooks.example.net/…", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal) && l.Contains("HTTP 503", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("+380*******67", StringComparison.Ordinal) && l.Contains("pending", StringComparison.Ordinal));
        Assert.DoesNotContain(EmailAddress, table.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("token-5f1c", table.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone, table.Stdout, StringComparison.Ordinal);

        Assert.True(failed.Exit == 0, failed.Stderr);
        using var entry = JsonDocument.Parse(Assert.Single(failed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal("relief-hook", entry.RootElement.GetProperty("subscriptionId").GetString());
        Assert.Equal("failed", entry.RootElement.GetProperty("status").GetString());
        Assert.Equal("https://hooks.example.net/…", entry.RootElement.GetProperty("recipient").GetString());
        Assert.Equal(1, entry.RootElement.GetProperty("attempts").GetInt32());

        Assert.True(odesa.Exit == 0, odesa.Stderr);
        var odesaLines = odesa.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, odesaLines.Length);
        Assert.All(odesaLines, l => Assert.Equal(Odesa, JsonDocument.Parse(l).RootElement.GetProperty("alertId").GetString()));

        Assert.Equal(3, limited.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task List_UnknownStatus_FailsNamingTheValues()
    {
        await using var store = TestStore.Sqlite();

        var (exit, _, stderr) = await RunAsync(store, "deliveries", "list", "--status", "lost");

        Assert.Equal(1, exit);
        Assert.Contains("unknown --status 'lost'", stderr, StringComparison.Ordinal);
        Assert.Contains("pending, delivered, failed", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task Replay_FailedWebhook_IsPendingAgainWithARetryDueNow(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using (var services = Services(store))
        {
            await PopulateAsync(services);
        }

        var before = DateTimeOffset.UtcNow;
        var (exit, stdout, stderr) = await RunAsync(store, "deliveries", "replay", "--alert", Kharkiv, "--version", "1", "--subscription", "relief-hook");

        Assert.True(exit == 0, stderr + stdout);
        Assert.Contains("is due now", stdout, StringComparison.Ordinal);
        await using var after = Services(store, TimeProvider.System);
        var key = new DeliveryKey(Kharkiv, 1, "relief-hook");
        var entry = await after.GetRequiredService<DeliveryLog>().FindAsync(key);
        Assert.NotNull(entry);
        Assert.Equal(DeliveryStatus.Pending, entry.Status);
        Assert.Equal(1, entry.Attempts);
        var retry = Assert.Single(await after.GetRequiredService<DeliveryRetries>().ListAsync());
        Assert.Equal(key, retry.Key);
        Assert.Equal(DeliveryChannel.Webhook, retry.Channel);
        Assert.InRange(retry.DueAt, before.AddSeconds(-1), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Replay_NoSuchDelivery_FailsAndSchedulesNothing()
    {
        await using var store = TestStore.Sqlite();
        await using (var services = Services(store))
        {
            await PopulateAsync(services);
        }

        var unknownVersion = await RunAsync(store, "deliveries", "replay", "--alert", Kharkiv, "--version", "7", "--subscription", "relief-hook");
        var missingOption = await RunAsync(store, "deliveries", "replay", "--alert", Kharkiv, "--version", "1");

        Assert.Equal(1, unknownVersion.Exit);
        Assert.Contains($"no delivery of alert '{Kharkiv}' version 7 to subscription 'relief-hook'", unknownVersion.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, missingOption.Exit);
        await using var after = Services(store);
        Assert.Empty(await after.GetRequiredService<DeliveryRetries>().ListAsync());
        Assert.Equal(DeliveryStatus.Failed, (await after.GetRequiredService<DeliveryLog>().FindAsync(new DeliveryKey(Kharkiv, 1, "relief-hook")))!.Status);
    }

    private static ServiceProvider Services(TestStore store, TimeProvider? time = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(store.Settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton(time ?? new FakeTimeProvider(Routed))
            .AddDelivery(configuration)
            .BuildServiceProvider();
    }

    /// <summary>
    /// Kharkiv: email delivered, webhook failed for good, SMS routed but not attempted. Odesa (a minute later): email
    /// delivered, webhook delivered.
    /// </summary>
    private static async Task PopulateAsync(ServiceProvider services)
    {
        var log = services.GetRequiredService<DeliveryLog>();
        var archive = services.GetRequiredService<AlertArchive>();
        var time = (FakeTimeProvider)services.GetRequiredService<TimeProvider>();
        var kharkiv = Alert(Kharkiv, "Drone strike cuts power to part of Kharkiv");
        await archive.StoreAsync(new WebhookDelivery(AlertEventKind.Raised, kharkiv, "relief-hook"), CancellationToken.None);

        await DeliveredAsync(log, new DeliveryKey(Kharkiv, 1, "ngo-desk"), DeliveryChannel.Email, EmailAddress);
        var hook = new DeliveryKey(Kharkiv, 1, "relief-hook");
        await log.BeginAttemptAsync(hook, DeliveryChannel.Webhook, WebhookUrl, AlertEventKind.Raised, CancellationToken.None);
        await log.MarkAttemptFailedAsync(hook, "HTTP 503 from receiver", final: true, CancellationToken.None);
        await log.RecordRoutedAsync(new DeliveryKey(Kharkiv, 1, "sms-duty"), DeliveryChannel.Sms, Phone, AlertEventKind.Raised, CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(1));
        await archive.StoreAsync(new WebhookDelivery(AlertEventKind.Raised, Alert(Odesa, "Shelling damages a school in Odesa"), "relief-hook"), CancellationToken.None);
        await DeliveredAsync(log, new DeliveryKey(Odesa, 1, "ngo-desk"), DeliveryChannel.Email, EmailAddress);
        await DeliveredAsync(log, new DeliveryKey(Odesa, 1, "relief-hook"), DeliveryChannel.Webhook, WebhookUrl);
    }

    private static async Task DeliveredAsync(DeliveryLog log, DeliveryKey key, DeliveryChannel channel, string recipient)
    {
        await log.BeginAttemptAsync(key, channel, recipient, AlertEventKind.Raised, CancellationToken.None);
        await log.MarkDeliveredAsync(key, CancellationToken.None);
    }

    private static Alert Alert(string id, string headline) => new()
    {
        AlertId = id,
        Version = 1,
        MsgType = MsgType.Alert,
        Sent = Routed.AddMinutes(-5),
        Severity = Severity.Severe,
        Urgency = Urgency.Immediate,
        Certainty = Certainty.Observed,
        Event = "Strike on energy infrastructure",
        Headline = headline,
        Description = "Written for this test; the event is invented.",
        Country = "UA",
    };

    private static Task<(int Exit, string Stdout, string Stderr)> RunAsync(TestStore store, params string[] arguments) =>
        Executable.RunAsync(arguments, settings: store.Settings);
}
