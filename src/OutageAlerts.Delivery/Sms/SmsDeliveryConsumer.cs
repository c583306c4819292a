using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Sms;

internal sealed class SmsDeliveryConsumer(DeliveryDispatcher dispatcher, IOptions<DeliveryOptions> options)
    : ChannelDeliveryConsumer<SmsDelivery>(dispatcher, options, DeliveryChannel.Sms);

internal sealed class SmsDeliveryConsumerDefinition(IOptions<DeliveryOptions> options)
    : ChannelDeliveryConsumerDefinition<SmsDeliveryConsumer>(options, DeliveryQueues.Sms);
