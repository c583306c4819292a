using OutageAlerts.Host.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>What the raw RabbitMQ.Client baseline did.</summary>
/// <param name="Seconds">Median round with one publish in flight per publisher.</param>
public sealed record RawRabbitMqResult(int Messages, int MessageBytes, int Publishers, ushort Prefetch, double Seconds)
{
    /// <summary>Processor time of the process per message published and consumed, over the rounds of <see cref="Seconds"/>.</summary>
    public double CpuMsPerMessage { get; init; }

    public double MessagesPerSecond => Seconds > 0 ? Messages / Seconds : 0;

    /// <summary>How busy the machine was during the rounds of <see cref="Seconds"/>; null where /proc/stat cannot be read.</summary>
    public MachineLoad? Machine { get; init; }

    /// <summary>Publishes each publisher keeps unconfirmed in the pipelined rounds: the service's MaxPublishesInFlight.</summary>
    public int PipelinedWindow { get; init; }

    /// <summary>Median round with up to <see cref="PipelinedWindow"/> publishes in flight per publisher.</summary>
    public double PipelinedSeconds { get; init; }

    public double PipelinedPerSecond => PipelinedSeconds > 0 ? Math.Round(Messages / PipelinedSeconds, 1) : 0;

    /// <summary>As <see cref="CpuMsPerMessage"/>, over the pipelined rounds.</summary>
    public double PipelinedCpuMsPerMessage { get; init; }

    /// <summary>As <see cref="Machine"/>, over the pipelined rounds.</summary>
    public MachineLoad? PipelinedMachine { get; init; }
}

/// <summary>
/// The broker's own limit for the service's traffic pattern: <c>Messages</c> persistent messages of the service's
/// size, published with confirms to a durable queue by as many concurrent publishers as the service has polling
/// feeds, and consumed concurrently with manual acks at the service's prefetch. Timed from the first publish to the
/// last ack; the median of <see cref="Rounds"/>. Measured twice: first with each publisher awaiting its confirm before
/// the next publish (one message in flight per publisher; the figure the ratio has always been taken against), then
/// with each publisher keeping up to a window of publishes unconfirmed, as the poller does since its publish window
/// (<c>OutageAlerts:Ingestion:MaxPublishesInFlight</c> per feed).
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
        int window,
        ushort prefetch,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var factory = address.CreateConnectionFactory("outage-alerts bench raw");
        await using var publishConnection = await factory.CreateConnectionAsync(cancellationToken);
        await using var consumeConnection = await factory.CreateConnectionAsync(cancellationToken);
        // No limiter of outstanding confirms in the client (the constructor's default): in the pipelined rounds only
        // the publishers' windows bound them.
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
            async Task<(double Seconds, double CpuMsPerMessage, MachineLoad? Machine)> MeasureAsync(int inFlight)
            {
                var cpu = Environment.CpuUsage.TotalTime;
                var machine = MachineLoadProbe.Start(time);
                var rounds = new List<double>(Rounds);
                for (var round = 0; round < Rounds; round++)
                {
                    rounds.Add(await RoundAsync(publishChannel, consumeChannel, queue, body, properties, messages, publishers, inFlight, time, cancellationToken));
                }

                var load = machine.Stop();
                cpu = Environment.CpuUsage.TotalTime - cpu;
                return (rounds.Order().ElementAt(Rounds / 2), cpu.TotalMilliseconds / (Rounds * Math.Max(1, messages)), load);
            }

            var oneInFlight = await MeasureAsync(1);
            var pipelined = await MeasureAsync(window);
            return new RawRabbitMqResult(messages, body.Length, publishers, prefetch, oneInFlight.Seconds)
            {
                CpuMsPerMessage = Math.Round(oneInFlight.CpuMsPerMessage, 3),
                Machine = oneInFlight.Machine,
                PipelinedWindow = window,
                PipelinedSeconds = Math.Round(pipelined.Seconds, 6),
                PipelinedCpuMsPerMessage = Math.Round(pipelined.CpuMsPerMessage, 3),
                PipelinedMachine = pipelined.Machine,
            };
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
        int window,
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
        async Task OneInFlightAsync()
        {
            while (Interlocked.Increment(ref next) < messages)
            {
                await publishChannel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body, cancellationToken);
            }
        }

        // With confirm tracking the publish's task completes on the broker's confirm, so the tasks not yet awaited
        // are the publisher's unconfirmed messages; like the poller's window, it waits for the oldest when full.
        async Task WindowAsync()
        {
            var inFlight = new Queue<Task>(window);
            while (Interlocked.Increment(ref next) < messages)
            {
                if (inFlight.Count == window)
                {
                    await inFlight.Dequeue();
                }

                inFlight.Enqueue(publishChannel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body, cancellationToken).AsTask());
            }

            await Task.WhenAll(inFlight);
        }

        await Task.WhenAll(Enumerable.Range(0, publishers).Select(_ => window == 1 ? OneInFlightAsync() : WindowAsync()));
        await done.Task.WaitAsync(cancellationToken);
        var seconds = time.GetElapsedTime(started).TotalSeconds;
        await consumeChannel.BasicCancelAsync(tag, cancellationToken: cancellationToken);
        return seconds;
    }
}
