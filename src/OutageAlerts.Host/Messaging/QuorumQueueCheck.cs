using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace OutageAlerts.Host.Messaging;

/// <summary>
/// With <c>OutageAlerts:RabbitMq:QuorumQueues</c> on, checks at start that the virtual host's default queue type is
/// quorum. MassTransit declares a queue it sends to (<c>queue:deliver-webhook</c>) without a queue type; on a
/// virtual host whose default is classic, RabbitMQ refuses that redeclaration of the quorum queue and every delivery
/// fails. The check declares a probe queue without a type, then again as quorum: the second declaration succeeds only
/// when the first one became quorum. A broker that cannot be reached is not a configuration error: the bus keeps
/// reconnecting and readiness reports it.
/// </summary>
internal sealed partial class QuorumQueueCheck(RabbitMqAddress address, MessagingOptions options, ILogger<QuorumQueueCheck> logger) : IHostedService
{
    private const ushort PreconditionFailed = 406;
    private const string QuorumKey = MessagingOptions.RabbitMqSection + ":" + nameof(MessagingOptions.QuorumQueues);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        IConnection connection;
        try
        {
            connection = await address.ConnectAsync("outage-alerts queue type check", options.Hosts, cancellationToken);
        }
        catch (BrokerUnreachableException ex)
        {
            LogUnchecked(ex.GetType().Name);
            return;
        }

        await using (connection)
        {
            var probe = "outage-alerts-queue-type-probe-" + Guid.NewGuid().ToString("N");
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            await channel.QueueDeclareAsync(probe, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
            try
            {
                await using var check = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                await check.QueueDeclareAsync(
                    probe, durable: true, exclusive: false, autoDelete: false, arguments: RoutingQueueKeeper.QueueArguments(options), cancellationToken: cancellationToken);
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == PreconditionFailed)
            {
                throw new OptionsValidationException(QuorumKey, typeof(MessagingOptions),
                [
                    $"{QuorumKey} is true, but virtual host '{address.VirtualHost}' declares queues as classic by default, and MassTransit " +
                    "declares the queues it sends to without a type, which RabbitMQ refuses for a quorum queue. Create the virtual host " +
                    "with quorum as its default queue type (RabbitMQ 3.10 or later: rabbitmqctl add_vhost NAME --default-queue-type quorum), " +
                    $"or set {QuorumKey} to false.",
                ]);
            }
            finally
            {
                await channel.QueueDeleteAsync(probe, cancellationToken: CancellationToken.None);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The virtual host's default queue type could not be checked ({Error}); quorum queues need it to be quorum")]
    private partial void LogUnchecked(string error);
}
