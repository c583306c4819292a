using MassTransit;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Dispatch;

/// <summary>The thin consumer of a channel queue: everything but the retry policy is in <see cref="DeliveryDispatcher"/>.</summary>
internal abstract class ChannelDeliveryConsumer<TMessage>(
    DeliveryDispatcher dispatcher, IOptions<DeliveryOptions> options, DeliveryChannel channel) : IConsumer<TMessage>
    where TMessage : class, IAlertDelivery
{
    public Task Consume(ConsumeContext<TMessage> context)
    {
        var attempt = context.GetRetryAttempt();
        return dispatcher.DeliverAsync(
            context.Message, channel, attempt, lastAttempt: attempt >= options.Value.RetryLimit, context.CancellationToken);
    }
}

/// <summary>Bounded exponential retries for transient failures; permanent ones never throw, so are not retried.</summary>
internal abstract class ChannelDeliveryConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    private readonly DeliveryOptions _options;

    protected ChannelDeliveryConsumerDefinition(IOptions<DeliveryOptions> options, string queue)
    {
        _options = options.Value;
        EndpointName = queue;
        var limits = _options.Channels.ForQueue(queue);
        ConcurrentMessageLimit = limits.ConcurrentMessageLimit ?? _options.ConcurrentMessageLimit;
        if (limits.PrefetchCount is { } prefetch)
        {
            Endpoint(e => e.PrefetchCount = prefetch);
        }
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Exponential(
            _options.RetryLimit, _options.RetryMinInterval, _options.RetryMaxInterval, _options.RetryMinInterval));
    }
}
