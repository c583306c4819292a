using System.Globalization;
using MimeKit;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Digests;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Testing;
using SmtpServer.Protocol;

namespace OutageAlerts.Delivery.Tests.Digests;

public sealed class DigestPumpTests
{
    private const string SubscriptionId = "evening-reader";
    private static readonly DateTimeOffset DueAt = DeliveryServices.Now.AddMinutes(30);

    private static DeliveryServices Services(int smtpPort, string? language = null) => DeliveryServices.Create(new Dictionary<string, string?>
    {
        ["OutageAlerts:Subscriptions:0:Id"] = SubscriptionId,
        ["OutageAlerts:Subscriptions:0:Channel"] = "email",
        ["OutageAlerts:Subscriptions:0:Target"] = "reader@relief.example.org",
        ["OutageAlerts:Subscriptions:0:Mode"] = "digest",
        ["OutageAlerts:Subscriptions:0:Language"] = language,
        ["OutageAlerts:Smtp:Host"] = "127.0.0.1",
        ["OutageAlerts:Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
        ["OutageAlerts:Smtp:UseTls"] = "false",
        ["OutageAlerts:Smtp:From"] = "Outage Alerts <alerts@outage.example.org>",
        ["OutageAlerts:Delivery:RetryLimit"] = "2",
    });

    /// <summary>What routing does for a digest-bound alert version: archive, log as routed, queue.</summary>
    private static async Task QueueAsync(DeliveryServices services, Alert alert, AlertEventKind kind = AlertEventKind.Raised)
    {
        await services.Get<AlertArchive>().StoreAsync(new EmailDelivery(kind, alert, SubscriptionId), CancellationToken.None);
        await services.Get<DeliveryLog>().RecordRoutedAsync(
            new DeliveryKey(alert.AlertId, alert.Version, SubscriptionId), DeliveryChannel.Email, "reader@relief.example.org", kind, CancellationToken.None);
        await services.Get<DigestSchedule>().AddAsync(new DigestEntry(SubscriptionId, alert.AlertId, alert.Version, DueAt), CancellationToken.None);
    }

    private static Task<DeliveryLogEntry?> Entry(DeliveryServices services, Alert alert) =>
        services.Get<DeliveryLog>().FindAsync(new DeliveryKey(alert.AlertId, alert.Version, SubscriptionId));

    [Fact]
    public async Task RunDueAsync_BeforeTheDigestIsDue_SendsNothing()
    {
        await using var smtp = LocalSmtpServer.Start();
        await using var services = Services(smtp.Port);
        await QueueAsync(services, SampleAlerts.Odesa());

        Assert.Equal(0, await services.Get<DigestPump>().RunDueAsync(CancellationToken.None));
        Assert.Empty(smtp.Messages);
        Assert.Equal(1, await services.Get<DigestSchedule>().CountPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RunDueAsync_DueEntries_SendsOneMultipartDigestWithTheNewestVersionOfEachAlert()
    {
        await using var smtp = LocalSmtpServer.Start();
        await using var services = Services(smtp.Port);
        var odesa = SampleAlerts.Odesa(Severity.Moderate);
        var kharkivV1 = SampleAlerts.Kharkiv(severity: Severity.Minor);
        var kharkivV2 = SampleAlerts.Kharkiv(version: 2, severity: Severity.Moderate) with { Headline = "Second substation hit near Kharkiv" };
        await QueueAsync(services, odesa);
        await QueueAsync(services, kharkivV1);
        await QueueAsync(services, kharkivV2, AlertEventKind.Updated);
        services.Time.Advance(TimeSpan.FromMinutes(31));

        Assert.Equal(1, await services.Get<DigestPump>().RunDueAsync(CancellationToken.None));

        var message = Assert.Single(await smtp.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        Assert.StartsWith("[DIGEST] 2 alerts, highest MODERATE", message.Subject, StringComparison.Ordinal);
        Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Contains("Second substation hit near Kharkiv", message.TextBody, StringComparison.Ordinal);
        Assert.Contains(odesa.Headline, message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain(kharkivV1.Headline, message.TextBody, StringComparison.Ordinal);
        Assert.NotNull(message.Headers["List-Unsubscribe"]);
        Assert.Equal(DeliveryStatus.Delivered, (await Entry(services, odesa))!.Status);
        Assert.Equal(DeliveryStatus.Delivered, (await Entry(services, kharkivV2))!.Status);
        Assert.Equal(DeliveryStatus.Suppressed, (await Entry(services, kharkivV1))!.Status);
        Assert.Equal(0, await services.Get<DigestPump>().RunDueAsync(CancellationToken.None));
        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task RunDueAsync_UkrainianSubscription_WritesTheDigestInUkrainian()
    {
        await using var smtp = LocalSmtpServer.Start();
        await using var services = Services(smtp.Port, language: "uk");
        await QueueAsync(services, SampleAlerts.Odesa());
        services.Time.Advance(TimeSpan.FromHours(1));

        await services.Get<DigestPump>().RunDueAsync(CancellationToken.None);

        var message = Assert.Single(await smtp.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        Assert.StartsWith("[DIGEST] Сповіщень: 1", message.Subject, StringComparison.Ordinal);
        Assert.Contains("дайджесту", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunDueAsync_Smtp451ThenAccepting_RetriesTheSameDigestAndSendsItOnce()
    {
        var answers = 0;
        await using var smtp = LocalSmtpServer.Start(_ => Interlocked.Increment(ref answers) == 1
            ? new SmtpResponse((SmtpReplyCode)451, "try again later")
            : SmtpResponse.Ok);
        await using var services = Services(smtp.Port);
        var odesa = SampleAlerts.Odesa();
        await QueueAsync(services, odesa);
        services.Time.Advance(TimeSpan.FromHours(1));
        var pump = services.Get<DigestPump>();

        Assert.Equal(0, await pump.RunDueAsync(CancellationToken.None));
        Assert.Equal(DeliveryStatus.Pending, (await Entry(services, odesa))!.Status);
        services.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, await pump.RunDueAsync(CancellationToken.None));

        var messages = await smtp.WaitForAsync(1, TimeSpan.FromSeconds(10));
        Assert.Single(messages);
        Assert.Equal(DeliveryStatus.Delivered, (await Entry(services, odesa))!.Status);
    }

    [Fact]
    public async Task RunDueAsync_Smtp550_MarksTheDigestAndItsAlertsFailedWithoutRetrying()
    {
        await using var smtp = LocalSmtpServer.Start(_ => new SmtpResponse((SmtpReplyCode)550, "no such user"));
        await using var services = Services(smtp.Port);
        var odesa = SampleAlerts.Odesa();
        await QueueAsync(services, odesa);
        services.Time.Advance(TimeSpan.FromHours(1));
        var pump = services.Get<DigestPump>();

        await pump.RunDueAsync(CancellationToken.None);
        services.Time.Advance(TimeSpan.FromHours(1));
        await pump.RunDueAsync(CancellationToken.None);

        var entry = await Entry(services, odesa);
        Assert.Equal(DeliveryStatus.Failed, entry!.Status);
        Assert.Contains("SMTP 5", entry.LastError, StringComparison.Ordinal);
    }
}
