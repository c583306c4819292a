using System.CommandLine;
using System.Globalization;
using OutageAlerts.Delivery;
using OutageAlerts.Host.Messaging;
using RabbitMQ.Client;

namespace OutageAlerts.Host.Commands;

/// <summary>
/// <c>outage-alerts errors list|replay</c>: messages that failed every retry wait in MassTransit's
/// <c>&lt;queue&gt;_error</c> queues, where they block nothing; operators see them here and send them back to their
/// queue once the cause is fixed. Delivery is idempotent, so replaying never sends an alert twice to a recipient.
/// </summary>
/// <remarks>
/// Messages no consumer of the queue knew go to <c>&lt;queue&gt;_skipped</c>: during a rolling upgrade, a delivery
/// replica of an earlier version takes a message type it has no consumer for (<c>WebhookDeliveryBatch</c>, from a routing
/// replica of this version). They are listed and replayed the same way.
/// </remarks>
internal static class ErrorsCommand
{
    private const string ErrorSuffix = "_error";
    private const string SkippedSuffix = "_skipped";

    private static readonly string[] Suffixes = [ErrorSuffix, SkippedSuffix];

    private static readonly string[] Queues =
        [DeliveryQueues.AlertRouting, DeliveryQueues.Webhook, DeliveryQueues.Email, DeliveryQueues.Sms];

    public static Command Create()
    {
        var list = new Command("list", "Show how many messages wait in each error queue, and in each queue of skipped messages.");
        list.SetAction(async (_, cancellationToken) =>
        {
            await using var channel = await ConnectAsync(cancellationToken);
            if (channel is null)
            {
                return 2;
            }

            var total = 0u;
            Console.WriteLine($"{"queue",-24} {"messages",8}");
            foreach (var queue in Queues.SelectMany(q => Suffixes.Select(suffix => q + suffix)))
            {
                var count = await CountAsync(channel.Channel, queue, cancellationToken);
                total += count;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{queue,-24} {count,8}"));
            }

            return total == 0 ? 0 : 1;
        });

        var queueOption = new Option<string?>("--queue") { Description = "Only this queue (e.g. deliver-webhook); default all." };
        queueOption.AcceptOnlyFromAmong(Queues);
        var replay = new Command("replay", "Move failed messages back to the queue they failed in.") { queueOption };
        replay.SetAction(async (parse, cancellationToken) =>
        {
            await using var channel = await ConnectAsync(cancellationToken);
            if (channel is null)
            {
                return 2;
            }

            var only = parse.GetValue(queueOption);
            foreach (var queue in Queues.Where(q => only is null || q == only))
            {
                var moved = 0;
                foreach (var suffix in Suffixes)
                {
                    moved += await MoveBackAsync(channel.Channel, queue, suffix, cancellationToken);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{queue}: {moved} message(s) replayed"));
            }

            return 0;
        });

        return new Command("errors", "Failed messages in the error queues (RabbitMQ transport).") { list, replay };
    }

    private static async Task<uint> CountAsync(IChannel channel, string queue, CancellationToken cancellationToken)
    {
        // Declaring is idempotent and answers with the depth; an error queue that never existed shows 0.
        var ok = await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        return ok.MessageCount;
    }

    private static async Task<int> MoveBackAsync(IChannel channel, string queue, string suffix, CancellationToken cancellationToken)
    {
        var moved = 0;
        var count = await CountAsync(channel, queue + suffix, cancellationToken);
        // Only what is there now: a message that fails again goes back to the error queue and is not looped over.
        for (var i = 0; i < count; i++)
        {
            var message = await channel.BasicGetAsync(queue + suffix, autoAck: false, cancellationToken);
            if (message is null)
            {
                break;
            }

            var properties = new BasicProperties(message.BasicProperties) { Persistent = true };
            properties.Headers = properties.Headers?
                .Where(h => !h.Key.StartsWith("MT-Fault", StringComparison.Ordinal) && !h.Key.StartsWith("MT-Reason", StringComparison.Ordinal))
                .ToDictionary(h => h.Key, h => h.Value);
            // MassTransit's receive endpoint exchange has the queue's name and is bound to it.
            await channel.BasicPublishAsync(queue, "", mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }

        return moved;
    }

    private static async Task<BrokerChannel?> ConnectAsync(CancellationToken cancellationToken)
    {
        var options = MessagingOptions.From(CommandConfiguration.Load());
        if (options.Transport != TransportKind.RabbitMq)
        {
            await Console.Error.WriteLineAsync($"errors: {MessagingOptions.TransportKey} is {options.Transport}; error queues exist only with RabbitMq.");
            return null;
        }

        var address = RabbitMqAddress.Parse(options.ConnectionString);
        var connection = await address.CreateConnectionFactory("outage-alerts errors").CreateConnectionAsync(cancellationToken);
        return new BrokerChannel(connection, await connection.CreateChannelAsync(cancellationToken: cancellationToken));
    }

    private sealed record BrokerChannel(IConnection Connection, IChannel Channel) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Channel.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
