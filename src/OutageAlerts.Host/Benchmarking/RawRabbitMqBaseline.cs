using OutageAlerts.Host.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>What the raw RabbitMQ.Client baseline did.</summary>
/// <param name="Seconds">Median round with one publish in flight per publisher.</param>
public sealed record RawRabbitMqResult(int Messages, int MessageBytes, int Publishers, ushort Prefetch, double Seconds)
{
    /// <summary>The rates of the rounds <see cref="Seconds"/> is the median of, in the order run.</summary>
    public IReadOnlyList<double> RoundsPerSecond { get; init; } = [];

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
/// last ack. Measured twice: first with each publisher awaiting its confirm before the next publish (one message in
/// flight per publisher; the figure the ratio is taken against), in rounds the harness runs one by one between the
/// service's throughput rounds (<see cref="RoundAsync"/>), then with each publisher keeping up to a window of
/// publishes unconfirmed, as the poller does (<c>OutageAlerts:Ingestion:MaxPublishesInFlight</c> per feed), in
/// <see cref="PipelinedRounds"/> rounds of their own (<see cref="ResultAsync"/>). Each figure is its rounds' median.
/// </summary>
internal sealed class RawRabbitMqBaseline : IAsyncDisposable
{
    /// <summary>Rounds of the pipelined measurement; the median is kept.</summary>
    public const int PipelinedRounds = 3;

    /// <summary>
    /// Unmeasured rounds before the first measured one, as the service has its warm-up: run one by one, the first
    /// rounds of a run rose from 2,500–3,000 to 4,300–4,500 messages/s as the JIT reached the client's steady code
    /// (session 18).
    /// </summary>
    public const int WarmUpRounds = 5;

    private readonly IConnection _publishConnection;
    private readonly IConnection _consumeConnection;
    private readonly IChannel _publishChannel;
    private readonly IChannel _consumeChannel;
    private readonly string _queue;
    private readonly ReadOnlyMemory<byte> _body;
    private readonly BasicProperties _properties;
    private readonly int _messages;
    private readonly int _publishers;
    private readonly ushort _prefetch;
    private readonly TimeProvider _time;
    private readonly List<(double Seconds, TimeSpan Cpu, MachineLoad? Load)> _rounds = [];

    private RawRabbitMqBaseline(
        IConnection publishConnection, IConnection consumeConnection, IChannel publishChannel, IChannel consumeChannel, string queue,
        ReadOnlyMemory<byte> body, BasicProperties properties, int messages, int publishers, ushort prefetch, TimeProvider time)
    {
        _publishConnection = publishConnection;
        _consumeConnection = consumeConnection;
        _publishChannel = publishChannel;
        _consumeChannel = consumeChannel;
        _queue = queue;
        _body = body;
        _properties = properties;
        _messages = messages;
        _publishers = publishers;
        _prefetch = prefetch;
        _time = time;
    }

    /// <summary>The rates of the one-in-flight rounds run so far, in the order run.</summary>
    public IReadOnlyList<double> RoundsPerSecond => [.. _rounds.Select(r => r.Seconds > 0 ? Math.Round(_messages / r.Seconds, 1) : 0)];

    /// <summary>Connects, declares the durable queue, empties it and runs the <see cref="WarmUpRounds"/>.</summary>
    public static async Task<RawRabbitMqBaseline> StartAsync(
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
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(properties);
        var factory = address.CreateConnectionFactory("outage-alerts bench raw");
        var publishConnection = await factory.CreateConnectionAsync(cancellationToken);
        var consumeConnection = await factory.CreateConnectionAsync(cancellationToken);
        // No limiter of outstanding confirms in the client (the constructor's default): in the pipelined rounds only
        // the publishers' windows bound them.
        var publishChannel = await publishConnection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        var consumeChannel = await consumeConnection.CreateChannelAsync(cancellationToken: cancellationToken);
        var baseline = new RawRabbitMqBaseline(
            publishConnection, consumeConnection, publishChannel, consumeChannel, queue, body, properties, messages, publishers, prefetch, time);
        try
        {
            await publishChannel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
            await publishChannel.QueuePurgeAsync(queue, cancellationToken);
            await consumeChannel.BasicQosAsync(0, prefetch, global: false, cancellationToken);
            properties.Persistent = true;
            for (var round = 0; round < WarmUpRounds; round++)
            {
                await baseline.TimedRoundAsync(1, cancellationToken);
            }

            return baseline;
        }
        catch
        {
            await baseline.DisposeAsync();
            throw;
        }
    }

    /// <summary>One round with one publish in flight per publisher; its seconds.</summary>
    public async Task<double> RoundAsync(CancellationToken cancellationToken)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var machine = MachineLoadProbe.Start(_time);
        var seconds = await TimedRoundAsync(1, cancellationToken);
        _rounds.Add((seconds, Environment.CpuUsage.TotalTime - cpu, machine.Stop()));
        return seconds;
    }

    /// <summary>The one-in-flight rounds run so far, and <see cref="PipelinedRounds"/> pipelined rounds run now.</summary>
    public async Task<RawRabbitMqResult> ResultAsync(int window, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        if (_rounds.Count == 0)
        {
            throw new InvalidOperationException("No round with one publish in flight was run.");
        }

        // The windowed publishes take their own path through the client: one round unmeasured first.
        await TimedRoundAsync(window, cancellationToken);
        var cpu = Environment.CpuUsage.TotalTime;
        var machine = MachineLoadProbe.Start(_time);
        var pipelined = new List<double>(PipelinedRounds);
        for (var round = 0; round < PipelinedRounds; round++)
        {
            pipelined.Add(await TimedRoundAsync(window, cancellationToken));
        }

        var pipelinedLoad = machine.Stop();
        cpu = Environment.CpuUsage.TotalTime - cpu;
        var perMessage = Math.Max(1, _messages);
        return new RawRabbitMqResult(_messages, _body.Length, _publishers, _prefetch, Median(_rounds.Select(r => r.Seconds)))
        {
            CpuMsPerMessage = Math.Round(_rounds.Sum(r => r.Cpu.TotalMilliseconds) / (_rounds.Count * perMessage), 3),
            Machine = MachineLoad.Combine(_rounds.Select(r => r.Load)),
            RoundsPerSecond = RoundsPerSecond,
            PipelinedWindow = window,
            PipelinedSeconds = Math.Round(Median(pipelined), 6),
            PipelinedCpuMsPerMessage = Math.Round(cpu.TotalMilliseconds / (PipelinedRounds * perMessage), 3),
            PipelinedMachine = pipelinedLoad,
        };
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _publishChannel.QueueDeleteAsync(_queue, ifUnused: false, ifEmpty: false, cancellationToken: CancellationToken.None);
        }
        finally
        {
            await _publishChannel.DisposeAsync();
            await _consumeChannel.DisposeAsync();
            await _publishConnection.DisposeAsync();
            await _consumeConnection.DisposeAsync();
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private Task<double> TimedRoundAsync(int window, CancellationToken cancellationToken) =>
        MeasureRoundAsync(_publishChannel, _consumeChannel, _queue, _body, _properties, _messages, _publishers, window, _time, cancellationToken);

    private static async Task<double> MeasureRoundAsync(
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
