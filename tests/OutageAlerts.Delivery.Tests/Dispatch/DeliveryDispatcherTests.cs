using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Storage;

namespace OutageAlerts.Delivery.Tests.Dispatch;

public sealed class DeliveryDispatcherTests : IAsyncLifetime
{
    private TestReceiver _gateway = null!;

    public async Task InitializeAsync() => _gateway = await TestReceiver.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private DeliveryServices Services() => DeliveryServices.Create(new Dictionary<string, string?>
    {
        ["OutageAlerts:Subscriptions:0:Id"] = "duty-phone",
        ["OutageAlerts:Subscriptions:0:Channel"] = "sms",
        ["OutageAlerts:Subscriptions:0:Target"] = "+380501234567",
        ["OutageAlerts:Sms:BaseUrl"] = _gateway.BaseUrl,
        ["OutageAlerts:Sms:AccountSid"] = "AC0123456789abcdef",
        ["OutageAlerts:Sms:AuthToken"] = "token-for-tests",
        ["OutageAlerts:Sms:From"] = "+15005550006",
        // The fake clock never moves on its own, so the per-sender spacing would wait forever.
        ["OutageAlerts:Sms:MaxPerSecond"] = "0",
    });

    [Fact]
    public async Task DeliverAsync_SameMessageTwice_SendsOnce()
    {
        await using var services = Services();
        var dispatcher = services.Get<DeliveryDispatcher>();
        var delivery = new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "duty-phone");

        var first = await dispatcher.DeliverAsync(delivery, DeliveryChannel.Sms, 0, lastAttempt: false, CancellationToken.None);
        var second = await dispatcher.DeliverAsync(delivery, DeliveryChannel.Sms, 0, lastAttempt: false, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, first);
        Assert.Equal(DeliveryOutcome.Delivered, second);
        Assert.Single(_gateway.Requests);
        var entry = await services.Get<DeliveryLog>().FindAsync(new DeliveryKey(delivery.Alert.AlertId, 1, "duty-phone"));
        Assert.Equal(DeliveryStatus.Delivered, entry!.Status);
        Assert.Equal(1, entry.Attempts);
        Assert.Equal(DeliveryChannel.Sms, entry.Channel);
        Assert.Equal("+380501234567", entry.Recipient);
        Assert.Equal(DeliveryServices.Now, entry.DeliveredAt);
    }

    [Fact]
    public async Task DeliverAsync_NewDelivery_ArchivesTheAlertInTheAttemptsWrite()
    {
        // Regression (issue 10): the archive and the attempt were two writes, each a hand-over to the store's writer
        // (a transaction of its own on PostgreSQL). Now: the attempt with the archived copy, then the outcome.
        var writes = 0;
        await using var services = DeliveryServices.Create(
            new Dictionary<string, string?>
            {
                ["OutageAlerts:Subscriptions:0:Id"] = "duty-phone",
                ["OutageAlerts:Subscriptions:0:Channel"] = "sms",
                ["OutageAlerts:Subscriptions:0:Target"] = "+380501234567",
                ["OutageAlerts:Sms:BaseUrl"] = _gateway.BaseUrl,
                ["OutageAlerts:Sms:AccountSid"] = "AC0123456789abcdef",
                ["OutageAlerts:Sms:AuthToken"] = "token-for-tests",
                ["OutageAlerts:Sms:From"] = "+15005550006",
                ["OutageAlerts:Sms:MaxPerSecond"] = "0",
            },
            s =>
            {
                var real = s.Last(d => d.ServiceType == typeof(IStore)).ImplementationFactory!;
                s.AddSingleton<IStore>(sp => new CountingStore((IStore)real(sp), () => Interlocked.Increment(ref writes)));
            });
        var dispatcher = services.Get<DeliveryDispatcher>();
        var delivery = new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "duty-phone");
        await using (await services.Get<IStore>().OpenAsync())
        {
            // Migrated before counting.
        }

        Volatile.Write(ref writes, 0);

        var outcome = await dispatcher.DeliverAsync(delivery, DeliveryChannel.Sms, 0, lastAttempt: false, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, outcome);
        Assert.Equal(2, Volatile.Read(ref writes));
        Assert.NotNull(await services.Get<AlertArchive>().FindAsync(delivery.Alert.AlertId, delivery.Alert.Version));
        Assert.Equal(1, (await services.Get<DeliveryLog>().FindAsync(new DeliveryKey(delivery.Alert.AlertId, 1, "duty-phone")))!.Attempts);
    }

    [Fact]
    public async Task DeliverAsync_NextVersion_IsSentAgain()
    {
        await using var services = Services();
        var dispatcher = services.Get<DeliveryDispatcher>();

        await dispatcher.DeliverAsync(new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(1), "duty-phone"), DeliveryChannel.Sms, 0, false, CancellationToken.None);
        await dispatcher.DeliverAsync(new SmsDelivery(AlertEventKind.Updated, SampleAlerts.Kharkiv(2), "duty-phone"), DeliveryChannel.Sms, 0, false, CancellationToken.None);

        Assert.Equal(2, _gateway.Requests.Count);
        Assert.Equal(2, (await services.Get<DeliveryLog>().ListForAlertAsync(SampleAlerts.Kharkiv().AlertId)).Count);
    }

    [Fact]
    public async Task DeliverAsync_TransientOnLastAttempt_LogsFailedAndThrows()
    {
        await using var services = Services();
        var dispatcher = services.Get<DeliveryDispatcher>();
        var delivery = new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "duty-phone");
        _gateway.AnswerWith(503, 503);

        await Assert.ThrowsAsync<TransientDeliveryException>(() => dispatcher.DeliverAsync(delivery, DeliveryChannel.Sms, 0, false, CancellationToken.None));
        var afterFirst = await services.Get<DeliveryLog>().FindAsync(new DeliveryKey(delivery.Alert.AlertId, 1, "duty-phone"));
        await Assert.ThrowsAsync<TransientDeliveryException>(() => dispatcher.DeliverAsync(delivery, DeliveryChannel.Sms, 1, true, CancellationToken.None));
        var afterLast = await services.Get<DeliveryLog>().FindAsync(new DeliveryKey(delivery.Alert.AlertId, 1, "duty-phone"));

        Assert.Equal(DeliveryStatus.Pending, afterFirst!.Status);
        Assert.Equal(DeliveryStatus.Failed, afterLast!.Status);
        Assert.Equal(2, afterLast.Attempts);
        Assert.Contains("HTTP 503", afterLast.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliverAsync_SubscriptionNoLongerConfigured_SendsNothing()
    {
        await using var services = Services();

        var outcome = await services.Get<DeliveryDispatcher>().DeliverAsync(
            new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "removed-phone"), DeliveryChannel.Sms, 0, false, CancellationToken.None);

        Assert.Null(outcome);
        Assert.Empty(_gateway.Requests);
    }

    /// <summary>The real store, counting the writes handed to it.</summary>
    private sealed class CountingStore(IStore inner, Action counted) : IStore
    {
        public StoreProvider Provider => inner.Provider;

        public Task<System.Data.Common.DbConnection> OpenAsync(CancellationToken cancellationToken = default) => inner.OpenAsync(cancellationToken);

        public Task<T> WriteAsync<T>(
            Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, CancellationToken, Task<T>> work,
            CancellationToken cancellationToken = default)
        {
            counted();
            return inner.WriteAsync(work, cancellationToken);
        }
    }
}
