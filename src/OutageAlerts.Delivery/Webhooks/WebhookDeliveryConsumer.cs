using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Webhooks;

internal sealed class WebhookDeliveryConsumer(DeliveryDispatcher dispatcher, IOptions<DeliveryOptions> options)
    : ChannelDeliveryConsumer<WebhookDelivery>(dispatcher, options, DeliveryChannel.Webhook);

internal sealed class WebhookDeliveryConsumerDefinition(IOptions<DeliveryOptions> options)
    : ChannelDeliveryConsumerDefinition<WebhookDeliveryConsumer>(options, DeliveryQueues.Webhook);
