using System.Globalization;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Storage;
using OutageAlerts.Testing;
using SmtpServer.Protocol;

namespace OutageAlerts.Delivery.Tests.Dispatch;

/// <summary>
/// Two replicas consume two copies of the same delivery at the same moment (a republished alert, a redelivery):
/// the store, not an in-process lock, lets only one of them send.
/// </summary>
public sealed class DeliveryDispatcherConcurrencyTests
{
    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task DeliverAsync_SameEmailOnTwoReplicasAtOnce_SendsOneEmailAndTheOtherCopyRetriesLater(StoreProvider provider)
    {
        // The relay takes a while to answer, so both copies are in flight together.
        await using var smtp = LocalSmtpServer.Start(_ =>
        {
            Thread.Sleep(1500);
            return SmtpResponse.Ok;
        });
        await using var store = await TestStore.CreateAsync(provider);
        var settings = new Dictionary<string, string?>(store.Settings)
        {
            ["OutageAlerts:Subscriptions:0:Id"] = "desk",
            ["OutageAlerts:Subscriptions:0:Channel"] = "email",
            ["OutageAlerts:Subscriptions:0:Target"] = "desk@relief.example.org",
            ["OutageAlerts:Smtp:Host"] = "127.0.0.1",
            ["OutageAlerts:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["OutageAlerts:Smtp:UseTls"] = "false",
            ["OutageAlerts:Smtp:From"] = "alerts@outage.example.org",
        };
        await using var first = DeliveryServices.Create(settings, realClock: true);
        await using var second = DeliveryServices.Create(settings, realClock: true);
        var delivery = new EmailDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "desk");

        var attempts = await Task.WhenAll(
            AttemptAsync(first.Get<DeliveryDispatcher>(), delivery),
            AttemptAsync(second.Get<DeliveryDispatcher>(), delivery));

        Assert.Single(await smtp.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Contains("Delivered", attempts);
        Assert.Contains("retry later", attempts);
        var entry = await first.Get<DeliveryLog>().FindAsync(new DeliveryKey(delivery.Alert.AlertId, 1, "desk"));
        Assert.Equal(DeliveryStatus.Delivered, entry!.Status);
        Assert.Equal(1, entry.Attempts);
    }

    private static async Task<string> AttemptAsync(DeliveryDispatcher dispatcher, IAlertDelivery delivery)
    {
        try
        {
            var outcome = await dispatcher.DeliverAsync(delivery, DeliveryChannel.Email, 0, lastAttempt: false, CancellationToken.None);
            return outcome?.ToString() ?? "dropped";
        }
        catch (TransientDeliveryException)
        {
            return "retry later";
        }
    }
}
