using MassTransit;
using MassTransit.Configuration;
using MassTransit.RetryPolicies;
using OutageAlerts.Contracts;
using Microsoft.Extensions.Options;

namespace OutageAlerts.Delivery.Routing;

internal sealed class AlertRoutingConsumerDefinition : ConsumerDefinition<AlertRoutingConsumer>
{
    private readonly DeliveryOptions _options;

    public AlertRoutingConsumerDefinition(IOptions<DeliveryOptions> options)
    {
        _options = options.Value;
        EndpointName = DeliveryQueues.AlertRouting;
        // No per-message limit here: a batch holds its alerts until it is routed, so a limit below the batch size
        // would keep batches from filling. The batches routed at once take the routing limit instead (below).
        if (_options.Channels.Routing.PrefetchCount is { } prefetch)
        {
            Endpoint(e => e.PrefetchCount = prefetch);
        }
    }

    private void RetryEachMessage<T>(IReceiveEndpointConfigurator endpointConfigurator)
        where T : class
    {
        var retry = new ConsumeContextRetryPipeSpecification<ConsumeContext<T>, RetryConsumeContext<T>>(
            (context, policy, retryContext) => new RetryConsumeContext<T>(context, policy, retryContext));
        retry.Exponential(_options.RetryLimit, _options.RetryMinInterval, _options.RetryMaxInterval, _options.RetryMinInterval);
        endpointConfigurator.AddPipeSpecification(retry);
    }

    /// <summary>Batches routed at once: <c>Channels:Routing:ConcurrentMessageLimit</c>, or the channels' common limit.</summary>
    internal static int ConcurrentBatches(DeliveryOptions options) =>
        options.Channels.Routing.ConcurrentMessageLimit ?? options.ConcurrentMessageLimit;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AlertRoutingConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // Routing only reads configuration and the store; a failure here is the store being busy or away, or an alert
        // it cannot route. The retry sits on each alert event, ahead of the batching, not on the batch: a failed
        // batch then fails its alerts without retrying them together, and each is retried on its own, in a batch of
        // one, so one bad alert ends in the error queue alone instead of taking its whole batch there.
        RetryEachMessage<AlertRaised>(endpointConfigurator);
        RetryEachMessage<AlertUpdated>(endpointConfigurator);
        RetryEachMessage<AlertCancelled>(endpointConfigurator);
        // Deliveries leave only when routing of the whole batch succeeded, so a retry does not double them.
        endpointConfigurator.UseInMemoryOutbox(context);
        // The endpoint's prefetch and concurrency are raised to batches × batch size if they are lower.
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_options.RoutingBatchSize)
            .SetTimeLimit(_options.RoutingBatchWait)
            .SetConcurrencyLimit(ConcurrentBatches(_options)));
    }
}
