using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Tests.Dispatch;

public sealed class DeliveryTelemetryTests : IAsyncLifetime
{
    private TestReceiver _gateway = null!;

    public async Task InitializeAsync() => _gateway = await TestReceiver.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private DeliveryServices Services(FakeLogCollector logs) => DeliveryServices.Create(
        new Dictionary<string, string?>
        {
            ["OutageAlerts:Subscriptions:0:Id"] = "duty-phone",
            ["OutageAlerts:Subscriptions:0:Channel"] = "sms",
            ["OutageAlerts:Subscriptions:0:Target"] = "+380509876543",
            ["OutageAlerts:Sms:BaseUrl"] = _gateway.BaseUrl,
            ["OutageAlerts:Sms:AccountSid"] = "AC0123456789abcdef",
            ["OutageAlerts:Sms:AuthToken"] = "token-never-logged",
            ["OutageAlerts:Sms:From"] = "+15005550006",
        },
        s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Debug)));

    [Fact]
    public async Task DeliverAsync_Delivered_LogsMaskedNumberAndNoSecret()
    {
        var logs = new FakeLogCollector();
        await using var services = Services(logs);

        await services.Get<DeliveryDispatcher>().DeliverAsync(
            new SmsDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "duty-phone"), DeliveryChannel.Sms, 0, false, CancellationToken.None);

        var text = string.Join("\n", logs.GetSnapshot().Select(r => r.Message));
        Assert.Contains("+380*******43", text, StringComparison.Ordinal);
        Assert.DoesNotContain("+380509876543", text, StringComparison.Ordinal);
        Assert.DoesNotContain("token-never-logged", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliverAsync_Delivered_RecordsSpanAndCounter()
    {
        var alert = SampleAlerts.Kharkiv() with { AlertId = "telemetry-" + Guid.NewGuid().ToString("N") };
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == DeliveryTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (Equals(a.GetTagItem("outagealerts.alert.id"), alert.AlertId))
                {
                    lock (spans)
                    {
                        spans.Add(a);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var deliveries = new MetricCollector<long>(DeliveryTelemetry.Deliveries);
        await using var services = Services(new FakeLogCollector());

        await services.Get<DeliveryDispatcher>().DeliverAsync(
            new SmsDelivery(AlertEventKind.Raised, alert, "duty-phone"), DeliveryChannel.Sms, 0, false, CancellationToken.None);

        var span = Assert.Single(spans);
        Assert.Equal("deliver sms", span.DisplayName);
        Assert.Equal("delivered", span.GetTagItem("outagealerts.delivery.outcome"));
        Assert.Contains(deliveries.GetMeasurementSnapshot(),
            m => m.Value == 1 && Equals(m.Tags["channel"], "sms") && Equals(m.Tags["outcome"], "delivered"));
    }
}
