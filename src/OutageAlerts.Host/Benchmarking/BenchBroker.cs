using OutageAlerts.Contracts;
using OutageAlerts.Delivery;
using OutageAlerts.Host.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>
/// What the harness does on the broker besides running the service. It never deletes the service's queues: at the
/// start it only purges them, so alerts left by an earlier run do not count in this one; everything it creates
/// itself is named <c>bench-raw-…</c> and deleted again.
/// </summary>
internal sealed class BenchBroker(RabbitMqAddress address)
{
    /// <summary>MassTransit's exchange for <see cref="AlertRaised"/>: its full type name.</summary>
    public static readonly string AlertRaisedExchange = $"{typeof(AlertRaised).Namespace}:{nameof(AlertRaised)}";

    private static readonly string[] ServiceQueues = [DeliveryQueues.AlertRouting, DeliveryQueues.Webhook, DeliveryQueues.Email, DeliveryQueues.Sms];

    /// <returns>Messages purged.</returns>
    public async Task<uint> PurgeServiceQueuesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await address.CreateConnectionFactory("outage-alerts bench").CreateConnectionAsync(cancellationToken);
        uint purged = 0;
        foreach (var queue in ServiceQueues)
        {
            // A passive declare of a missing queue closes the channel, so each check gets its own.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
                purged += await channel.QueuePurgeAsync(queue, cancellationToken);
            }
            catch (OperationInterruptedException)
            {
                // Not declared yet on this virtual host: nothing to purge.
            }
        }

        return purged;
    }

    /// <summary>
    /// A queue bound to the service's AlertRaised exchange while the warm-up alerts pass, so the raw baseline can send
    /// exactly what the service sends: same body, same headers.
    /// </summary>
    public async Task<Tap> TapAlertRaisedAsync(string queue, CancellationToken cancellationToken)
    {
        var connection = await address.CreateConnectionFactory("outage-alerts bench tap").CreateConnectionAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        // The same declaration MassTransit and the routing-queue keeper make, so it agrees with theirs.
        await channel.ExchangeDeclareAsync(AlertRaisedExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(queue, AlertRaisedExchange, string.Empty, cancellationToken: cancellationToken);
        return new Tap(connection, channel, queue);
    }

    /// <summary>A temporary copy of the service's alert messages; disposing it deletes the queue.</summary>
    internal sealed class Tap(IConnection connection, IChannel channel, string queue) : IAsyncDisposable
    {
        /// <summary>One captured message, or null when none came within <paramref name="timeout"/>.</summary>
        public async Task<BasicGetResult?> TakeAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        {
            var started = time.GetTimestamp();
            while (time.GetElapsedTime(started) < timeout)
            {
                if (await channel.BasicGetAsync(queue, autoAck: true, cancellationToken) is { } message)
                {
                    return message;
                }

                await Task.Delay(TakePollInterval, time, cancellationToken);
            }

            return null;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
            }
            finally
            {
                await channel.DisposeAsync();
                await connection.DisposeAsync();
            }
        }

        private static readonly TimeSpan TakePollInterval = TimeSpan.FromMilliseconds(50);
    }
}
