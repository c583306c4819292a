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
/// A routing batch's webhook deliveries, each alert once with its recipients, attempted side by side: their store
/// writes share the writer's commits, and <see cref="WebhookConcurrency"/> bounds the POSTs in flight. Each is settled
/// on its own, as with <see cref="WebhookDeliveriesConsumer"/>. The alert stays the JSON routing wrote: it becomes the
/// archive's payload and the body's <c>data</c> as it is, and is read into objects only for a CAP subscription.
/// </summary>
internal sealed class WebhookDeliveryBatchConsumer(DeliveryDispatcher dispatcher)
    : IConsumer<WebhookDeliveryBatch>
{
    public async Task Consume(ConsumeContext<WebhookDeliveryBatch> context)
    {
        var attempt = context.GetRetryAttempt();
        var ct = context.CancellationToken;
        var attempts = new List<Task>();
        foreach (var alert in context.Message.Alerts)
        {
            foreach (var recipient in alert.Recipients)
            {
                attempts.Add(DeliverAsync(new BatchedWebhookDelivery(alert, recipient.SubscriptionId), recipient.TraceParent, attempt, ct));
            }
        }

        await WebhookDeliveriesConsumer.WhenAllAsync(attempts);
    }

    private async Task DeliverAsync(BatchedWebhookDelivery delivery, string? traceParent, int attempt, CancellationToken ct) =>
        await dispatcher.DeliverAsync(
            delivery, DeliveryChannel.Webhook, attempt, lastAttempt: false, ct, parent: WebhookDeliveriesConsumer.Parent(traceParent));
}

/// <remarks>It shares the <c>deliver-webhook</c> endpoint and its retry policy, as <see cref="WebhookDeliveriesConsumerDefinition"/> does.</remarks>
internal sealed class WebhookDeliveryBatchConsumerDefinition : ConsumerDefinition<WebhookDeliveryBatchConsumer>
{
    public WebhookDeliveryBatchConsumerDefinition(IOptions<DeliveryOptions> options)
    {
        EndpointName = DeliveryQueues.Webhook;
        ConcurrentMessageLimit = WebhookConcurrency.Limit(options.Value);
    }
}

/// <summary>
/// A routing batch's webhook deliveries as earlier versions sent them, attempted side by side: their store writes share the writer's commits, and
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

        await WhenAllAsync(attempts);
    }

    /// <summary>Waits for every attempt; when several failed, says how many and carries each failure.</summary>
    internal static async Task WhenAllAsync(IReadOnlyCollection<Task> attempts)
    {
        try
        {
            await Task.WhenAll(attempts);
        }
        catch (Exception) when (attempts.Count(t => t.IsFaulted) > 1)
        {
            // Task.WhenAll rethrows the first failure only; the others say whether one cause failed them all.
            throw new AggregateException(
                $"{attempts.Count(t => t.IsFaulted)} of {attempts.Count} webhook deliveries in the message failed",
                attempts.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions));
        }
    }

    /// <summary>The routing span a delivery is attempted under, from its W3C <c>traceparent</c>.</summary>
    internal static ActivityContext Parent(string? traceParent) =>
        traceParent is { } id && ActivityContext.TryParse(id, null, isRemote: true, out var routed) ? routed : default;

    private async Task DeliverAsync(WebhookDeliveryEntry entry, int attempt, CancellationToken ct) =>
        await dispatcher.DeliverAsync(
            entry.Delivery, DeliveryChannel.Webhook, attempt, lastAttempt: false, ct, parent: Parent(entry.TraceParent));
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
