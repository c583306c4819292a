using OutageAlerts.Host.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>What the raw RabbitMQ.Client baseline did.</summary>
public sealed record RawRabbitMqResult(int Messages, int MessageBytes, int Publishers, ushort Prefetch, double Seconds)
{
    /// <summary>Processor time of the process per message published and consumed, over all rounds.</summary>
    public double CpuMsPerMessage { get; init; }

    public double MessagesPerSecond => Seconds > 0 ? Messages / Seconds : 0;
}

/// <summary>
/// The broker's own limit for the service's traffic pattern: <c>Messages</c> persistent messages of the service's
/// size, published with confirms to a durable queue by as many concurrent publishers as the service has polling
/// feeds (each awaiting its confirm before the next publish, as the poller does), and consumed concurrently with
/// manual acks at the service's prefetch. Timed from the first publish to the last ack; the median of <see cref="Rounds"/>.
/// </summary>
internal static class RawRabbitMqBaseline
{
    /// <summary>Rounds run; the median is kept, as one round of a few hundred messages takes a fraction of a second.</summary>
    public const int Rounds = 3;

    public static async Task<RawRabbitMqResult> RunAsync(
        RabbitMqAddress address,
        string queue,
        ReadOnlyMemory<byte> body,
        BasicProperties properties,
        int messages,
        int publishers,
        ushort prefetch,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var factory = address.CreateConnectionFactory("outage-alerts bench raw");
        await using var publishConnection = await factory.CreateConnectionAsync(cancellationToken);
        await using var consumeConnection = await factory.CreateConnectionAsync(cancellationToken);
        await using var publishChannel = await publishConnection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        await using var consumeChannel = await consumeConnection.CreateChannelAsync(cancellationToken: cancellationToken);
        await publishChannel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        try
        {
            await publishChannel.QueuePurgeAsync(queue, cancellationToken);
            await consumeChannel.BasicQosAsync(0, prefetch, global: false, cancellationToken);
            properties.Persistent = true;
            var rounds = new List<double>(Rounds);
            for (var round = 0; round < Rounds; round++)
            {
                rounds.Add(await RoundAsync(publishChannel, consumeChannel, queue, body, properties, messages, publishers, time, cancellationToken));
            }

            return new RawRabbitMqResult(messages, body.Length, publishers, prefetch, rounds.Order().ElementAt(Rounds / 2));
        }
        finally
        {
            await publishChannel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: CancellationToken.None);
        }
    }

    private static async Task<double> RoundAsync(
        IChannel publishChannel,
        IChannel consumeChannel,
        string queue,
        ReadOnlyMemory<byte> body,
        BasicProperties properties,
        int messages,
        int publishers,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var acked = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(consumeChannel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await consumeChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
            if (Interlocked.Increment(ref acked) == messages)
            {
                done.TrySetResult();
            }
        };
        var tag = await consumeChannel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken);

        var started = time.GetTimestamp();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, publishers).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < messages)
            {
                await publishChannel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body, cancellationToken);
            }
        }));
        await done.Task.WaitAsync(cancellationToken);
        var seconds = time.GetElapsedTime(started).TotalSeconds;
        await consumeChannel.BasicCancelAsync(tag, cancellationToken: cancellationToken);
        return seconds;
    }
}
