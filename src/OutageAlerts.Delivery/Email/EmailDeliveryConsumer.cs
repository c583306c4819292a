using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Email;

internal sealed class EmailDeliveryConsumer(DeliveryDispatcher dispatcher, IOptions<DeliveryOptions> options)
    : ChannelDeliveryConsumer<EmailDelivery>(dispatcher, options, DeliveryChannel.Email);

internal sealed class EmailDeliveryConsumerDefinition(IOptions<DeliveryOptions> options)
    : ChannelDeliveryConsumerDefinition<EmailDeliveryConsumer>(options, DeliveryQueues.Email);
