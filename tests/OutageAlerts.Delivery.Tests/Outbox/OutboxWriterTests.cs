using System.Text.Json;
using MimeKit;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Delivery.Tests.Webhooks;

namespace OutageAlerts.Delivery.Tests.Outbox;

public class OutboxWriterTests
{
    private static DeliveryServices Services(string outbox) => DeliveryServices.Create(new Dictionary<string, string?>
    {
        ["OutageAlerts:Delivery:OutboxDirectory"] = outbox,
        ["OutageAlerts:Subscriptions:0:Id"] = "hook",
        ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
        ["OutageAlerts:Subscriptions:0:Target"] = "https://hooks.example.org/outage",
        ["OutageAlerts:Subscriptions:0:Secret"] = WebhookSignatureTests.Secret,
        ["OutageAlerts:Subscriptions:1:Id"] = "mail",
        ["OutageAlerts:Subscriptions:1:Channel"] = "email",
        ["OutageAlerts:Subscriptions:1:Target"] = "desk@relief.example.org",
        ["OutageAlerts:Subscriptions:2:Id"] = "phone",
        ["OutageAlerts:Subscriptions:2:Channel"] = "sms",
        ["OutageAlerts:Subscriptions:2:Target"] = "+380661112233",
    });

    [Fact]
    public async Task DeliverAsync_OutboxOn_WritesOneFilePerChannelAndSendsNothing()
    {
        var outbox = Path.Combine(Path.GetTempPath(), "outage-alerts-outbox-" + Guid.NewGuid().ToString("N"), "outbox");
        await using var services = Services(outbox);
        var dispatcher = services.Get<DeliveryDispatcher>();
        var alert = SampleAlerts.KyivInUkrainian();
        try
        {
            await dispatcher.DeliverAsync(new WebhookDelivery(AlertEventKind.Raised, alert, "hook"), DeliveryChannel.Webhook, 0, false, CancellationToken.None);
            services.Time.Advance(TimeSpan.FromMilliseconds(5));
            await dispatcher.DeliverAsync(new EmailDelivery(AlertEventKind.Raised, alert, "mail"), DeliveryChannel.Email, 0, false, CancellationToken.None);
            services.Time.Advance(TimeSpan.FromMilliseconds(5));
            await dispatcher.DeliverAsync(new SmsDelivery(AlertEventKind.Raised, alert, "phone"), DeliveryChannel.Sms, 0, false, CancellationToken.None);

            var files = Directory.GetFiles(outbox).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(
                [
                    "20251108T050000000Z-webhook-inc-2025-11-09-kyiv-v1-hook.json",
                    "20251108T050000005Z-email-inc-2025-11-09-kyiv-v1-mail.eml",
                    "20251108T050000010Z-sms-inc-2025-11-09-kyiv-v1-phone.json",
                ],
                files);

            using var webhook = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(outbox, files[0])));
            var headers = webhook.RootElement.GetProperty("headers");
            var body = webhook.RootElement.GetProperty("body");
            Assert.Equal("https://hooks.example.org/outage", webhook.RootElement.GetProperty("url").GetString());
            Assert.Equal("alert.raised", body.GetProperty("type").GetString());
            Assert.Equal(alert.Headline, body.GetProperty("data").GetProperty("headline").GetString());
            Assert.StartsWith("v1,", headers.GetProperty("webhook-signature").GetString(), StringComparison.Ordinal);

            using var email = await MimeMessage.LoadAsync(Path.Combine(outbox, files[1]));
            Assert.Equal("desk@relief.example.org", ((MailboxAddress)email.To.Single()).Address);
            Assert.StartsWith("[SEVERE] Удар по енергетичній інфраструктурі та теплопостачанню — місто Київ (UA-30)", email.Subject, StringComparison.Ordinal);
            Assert.Contains(alert.Headline, email.TextBody, StringComparison.Ordinal);

            var smsText = await File.ReadAllTextAsync(Path.Combine(outbox, files[2]));
            using var sms = JsonDocument.Parse(smsText);
            Assert.Equal("+380661112233", sms.RootElement.GetProperty("To").GetString());
            Assert.StartsWith("SEVERE: Удар по енергетичній інфраструктурі та теплопостачанню - ",
                sms.RootElement.GetProperty("Body").GetString(), StringComparison.Ordinal);
            Assert.Contains("UA-30", smsText, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(outbox)!, recursive: true);
        }
    }
}
