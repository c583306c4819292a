using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Webhooks;

/// <summary>A single webhook delivery: what earlier versions sent, and what an operator may send by hand.</summary>
internal sealed class WebhookDeliveryConsumer(DeliveryDispatcher dispatcher, IOptions<DeliveryOptions> options)
    : ChannelDeliveryConsumer<WebhookDelivery>(dispatcher, options, DeliveryChannel.Webhook);

internal sealed class WebhookDeliveryConsumerDefinition(IOptions<DeliveryOptions> options)
    : ChannelDeliveryConsumerDefinition<WebhookDeliveryConsumer>(options, DeliveryQueues.Webhook);

/// <summary>
/// A routing batch's webhook deliveries, attempted side by side: their store writes share the writer's commits, and
/// <see cref="WebhookConcurrency"/> bounds the POSTs in flight. Each is settled on its own (a failed POST schedules its
/// retry in the store and does not fail the others); only a failure around the attempt (the store away) fails the
/// message, after every other delivery in it was attempted, and the retry skips those already delivered.
/// </summary>
internal sealed class WebhookDeliveriesConsumer(DeliveryDispatcher dispatcher)
    : IConsumer<WebhookDeliveries>
{
    public async Task Consume(ConsumeContext<WebhookDeliveries> context)
    {
        var attempt = context.GetRetryAttempt();
        var ct = context.CancellationToken;
        var entries = context.Message.Entries;
        var attempts = new Task[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            attempts[i] = DeliverAsync(entries[i], attempt, ct);
        }

        try
        {
            await Task.WhenAll(attempts);
        }
        catch (Exception) when (attempts.Count(t => t.IsFaulted) > 1)
        {
            // Task.WhenAll rethrows the first failure only; the others say whether one cause failed them all.
            throw new AggregateException(
                $"{attempts.Count(t => t.IsFaulted)} of {entries.Count} webhook deliveries in the message failed",
                attempts.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions));
        }
    }

    private async Task DeliverAsync(WebhookDeliveryEntry entry, int attempt, CancellationToken ct)
    {
        var parent = entry.TraceParent is { } id && ActivityContext.TryParse(id, null, isRemote: true, out var routed)
            ? routed
            : default;
        await dispatcher.DeliverAsync(entry.Delivery, DeliveryChannel.Webhook, attempt, lastAttempt: false, ct, parent: parent);
    }
}

/// <remarks>
/// It shares the <c>deliver-webhook</c> endpoint, and with it the endpoint's retry policy, with
/// <see cref="WebhookDeliveryConsumerDefinition"/>: failed POSTs retry from the store, so that policy retries only what
/// failed around them (the store busy or away).
/// </remarks>
internal sealed class WebhookDeliveriesConsumerDefinition : ConsumerDefinition<WebhookDeliveriesConsumer>
{
    public WebhookDeliveriesConsumerDefinition(IOptions<DeliveryOptions> options)
    {
        EndpointName = DeliveryQueues.Webhook;
        ConcurrentMessageLimit = WebhookConcurrency.Limit(options.Value);
    }
}

/// <summary>
/// Webhook POSTs in flight in this process, whether their deliveries came one per message, in batches or from the
/// store's retries: <c>OutageAlerts:Delivery:Channels:Webhook:ConcurrentMessageLimit</c>, or the channels' common limit.
/// </summary>
internal sealed class WebhookConcurrency(IOptions<DeliveryOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Limit(options.Value), Limit(options.Value));

    public static int Limit(DeliveryOptions options) =>
        options.Channels.Webhook.ConcurrentMessageLimit ?? options.ConcurrentMessageLimit;

    public Task WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    public void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
