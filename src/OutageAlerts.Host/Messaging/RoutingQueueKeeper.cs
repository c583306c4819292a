using System.Collections.Concurrent;
using MassTransit;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery;
using RabbitMQ.Client;

namespace OutageAlerts.Host.Messaging;

/// <summary>
/// Makes sure the durable <c>alert-routing</c> queue exists and is bound to an alert's exchange before the first
/// alert of that type is published. Without it, an ingestion process running alone would publish into an exchange
/// with no bindings and RabbitMQ would drop the alerts. The topology is exactly what the routing consumer's endpoint
/// declares (fanout message exchange → fanout "alert-routing" exchange → "alert-routing" queue), so both agree.
/// </summary>
internal sealed class RoutingQueueKeeper(RabbitMqAddress address, MessagingOptions options)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _declared = new(StringComparer.Ordinal);

    public async Task EnsureAsync(string messageExchange, CancellationToken cancellationToken)
    {
        var declaration = _declared.GetOrAdd(messageExchange, name => new Lazy<Task>(() => DeclareAsync(name)));
        try
        {
            await declaration.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Broker unreachable: forget the failure so the next publish tries again; this one fails and the item
            // is not recorded as seen, so it is processed again on the next poll.
            _declared.TryRemove(new KeyValuePair<string, Lazy<Task>>(messageExchange, declaration));
            throw;
        }
    }

    private async Task DeclareAsync(string messageExchange)
    {
        await using var connection = await address.ConnectAsync("outage-alerts topology", options.Hosts);
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(messageExchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.ExchangeDeclareAsync(DeliveryQueues.AlertRouting, ExchangeType.Fanout, durable: true, autoDelete: false);
        // The same arguments as the routing endpoint's own declaration, or the broker refuses one of the two.
        await channel.QueueDeclareAsync(
            DeliveryQueues.AlertRouting, durable: true, exclusive: false, autoDelete: false, arguments: QueueArguments(options));
        await channel.ExchangeBindAsync(destination: DeliveryQueues.AlertRouting, source: messageExchange, routingKey: "");
        await channel.QueueBindAsync(DeliveryQueues.AlertRouting, DeliveryQueues.AlertRouting, routingKey: "");
    }

    internal static Dictionary<string, object?>? QueueArguments(MessagingOptions options) =>
        options.QuorumQueues ? new Dictionary<string, object?> { [QueueTypeArgument] = QuorumQueueType } : null;

    private const string QueueTypeArgument = "x-queue-type";
    private const string QuorumQueueType = "quorum";
}

/// <summary>Runs <see cref="RoutingQueueKeeper"/> in front of every alert publish.</summary>
internal sealed class RoutingQueueKeeperFilter<T>(RoutingQueueKeeper keeper) : IFilter<PublishContext<T>>
    where T : class
{
    private static readonly bool IsAlert = typeof(T) == typeof(AlertRaised) || typeof(T) == typeof(AlertUpdated) || typeof(T) == typeof(AlertCancelled);

    public async Task Send(PublishContext<T> context, IPipe<PublishContext<T>> next)
    {
        if (IsAlert && context.DestinationAddress is { } destination)
        {
            await keeper.EnsureAsync(destination.Segments[^1], context.CancellationToken);
        }

        await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("routingQueueKeeper");
}
