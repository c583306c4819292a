using MassTransit;
using Microsoft.Extensions.Options;

namespace OutageAlerts.Delivery.Routing;

internal sealed class AlertRoutingConsumerDefinition : ConsumerDefinition<AlertRoutingConsumer>
{
    private readonly DeliveryOptions _options;

    public AlertRoutingConsumerDefinition(IOptions<DeliveryOptions> options)
    {
        _options = options.Value;
        EndpointName = DeliveryQueues.AlertRouting;
        var limits = _options.Channels.Routing;
        ConcurrentMessageLimit = limits.ConcurrentMessageLimit ?? _options.ConcurrentMessageLimit;
        if (limits.PrefetchCount is { } prefetch)
        {
            Endpoint(e => e.PrefetchCount = prefetch);
        }
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AlertRoutingConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // Routing only reads configuration and the store; a failure here is the store being busy or away.
        endpointConfigurator.UseMessageRetry(r => r.Exponential(
            _options.RetryLimit, _options.RetryMinInterval, _options.RetryMaxInterval, _options.RetryMinInterval));
        // Deliveries leave only when routing of the whole alert succeeded, so a retry does not double them.
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
