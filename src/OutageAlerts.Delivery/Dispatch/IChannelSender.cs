using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Dispatch;

/// <summary>Sends one alert version over one channel, or writes it to the outbox when that is switched on.</summary>
public interface IChannelSender
{
    DeliveryChannel Channel { get; }

    Task<DeliveryResult> SendAsync(IAlertDelivery delivery, Subscription subscription, CancellationToken cancellationToken);
}
