using System.Text.Json;
using System.Text.Json.Serialization;
using MassTransit;
using OutageAlerts.Contracts;
using OutageAlerts.Host.Messaging;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>What MassTransit alone did with the alerts' two hops.</summary>
/// <param name="Messages">Alerts carried in a round: messages of the first hop.</param>
/// <param name="ConcurrentMessageLimit">Batches the first endpoint takes at once, and messages the second.</param>
/// <param name="BatchSize">Alerts the first endpoint takes in one batch at most (routing's batch size).</param>
/// <param name="BatchWaitMs">How long a batch waits for more alerts (routing's batch wait).</param>
/// <param name="Seconds">Median round, from the first send to the second hop's last alert.</param>
/// <param name="SecondHopMessages">Messages of the second hop in the median round: one per batch.</param>
/// <param name="CpuMsPerMessage">Processor time of the process per alert carried over both hops.</param>
/// <param name="AllocatedKbPerMessage">Managed allocations of the process per alert carried over both hops.</param>
public sealed record MassTransitFloorResult(
    int Messages, int Senders, int Window, ushort Prefetch, int ConcurrentMessageLimit, int BatchSize, double BatchWaitMs,
    double Seconds, int SecondHopMessages, double CpuMsPerMessage, double AllocatedKbPerMessage)
{
    public double MessagesPerSecond => Seconds > 0 ? Math.Round(Messages / Seconds, 1) : 0;

    /// <summary>How busy the machine was during the measured rounds; null where /proc/stat cannot be read.</summary>
    public MachineLoad? Machine { get; init; }
}

/// <summary>A real alert, carried by the floor's first hop.</summary>
public sealed record FloorAlertSent(Alert Alert);

/// <summary>The same alert with the subscription routing would add.</summary>
public sealed record FloorAlertRouted(Alert Alert, string SubscriptionId);

/// <summary>A batch's routed alerts, carried by the floor's second hop as routing sends a batch's webhook deliveries.</summary>
public sealed record FloorAlertsRouted(IReadOnlyList<FloorAlertRouted> Alerts);

/// <summary>
/// The alert path's two broker hops with nothing else in them: a bus of its own on the same broker, vhost, prefetch
/// and consumer concurrency as the service, whose first endpoint takes the alerts in batches as routing does and sends
/// each batch on to the second in one message (as routing sends a batch's webhook deliveries), and whose second only
/// counts. Senders keep the poller's window of sends unconfirmed. The difference to
/// <see cref="RawRabbitMqBaseline"/> is what MassTransit itself costs (envelopes, consume contexts, filters, the
/// confirm per send); the difference to the pipeline is what the service's own work costs. Queues are named
/// <c>bench-floor-…</c>, durable as the service's, and deleted with their exchanges afterwards.
/// </summary>
internal static class MassTransitFloor
{
    public const int Rounds = 3;

    private const int WarmUpRounds = 6;

    private static readonly JsonSerializerOptions EnvelopeJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The alert inside a captured <c>AlertRaised</c> envelope; null when it cannot be read.</summary>
    public static Alert? AlertFrom(ReadOnlySpan<byte> envelope)
    {
        try
        {
            using var document = JsonDocument.Parse(envelope.ToArray());
            return document.RootElement.TryGetProperty("message", out var message)
                ? message.Deserialize<AlertRaised>(EnvelopeJson)?.Alert
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static async Task<MassTransitFloorResult> RunAsync(
        RabbitMqAddress address, string run, Alert alert, int messages, int senders, int window, ushort prefetch, int concurrency,
        int batchSize, TimeSpan batchWait, TimeProvider time, CancellationToken cancellationToken)
    {
        var first = $"bench-floor-a-{run}";
        var second = $"bench-floor-b-{run}";
        var counter = new ArrivalCounter();
        var router = new FloorRouter(new Uri($"queue:{second}"));
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(address.Host, (ushort)address.Port, address.VirtualHost, h =>
            {
                h.Username(address.UserName);
                h.Password(address.Password);
                h.PublisherConfirmation = true;
                if (address.UseTls)
                {
                    h.UseSsl(ssl => ssl.ServerName = address.Host);
                }
            });
            cfg.PrefetchCount = prefetch;
            cfg.ReceiveEndpoint(first, e =>
            {
                e.ConfigureConsumeTopology = false;
                e.ConcurrentMessageLimit = concurrency;
                e.UseMessageRetry(r => r.Immediate(1));
                e.Consumer(() => router, c => c.Options<BatchOptions>(b => b
                    .SetMessageLimit(batchSize)
                    .SetTimeLimit(batchWait)
                    .SetConcurrencyLimit(concurrency)));
            });
            cfg.ReceiveEndpoint(second, e =>
            {
                e.ConfigureConsumeTopology = false;
                e.ConcurrentMessageLimit = concurrency;
                e.UseMessageRetry(r => r.Immediate(1));
                e.Handler<FloorAlertsRouted>(context =>
                {
                    counter.Arrived(context.Message.Alerts.Count);
                    return Task.CompletedTask;
                });
            });
        });

        await bus.StartAsync(cancellationToken);
        try
        {
            var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{first}"));
            async Task<(double Seconds, int Batches)> RoundAsync(int count)
            {
                var done = counter.Expect(count);
                var batches = router.Batches;
                var started = time.GetTimestamp();
                var next = -1;
                await Task.WhenAll(Enumerable.Range(0, senders).Select(async _ =>
                {
                    var inFlight = new Queue<Task>(window);
                    while (Interlocked.Increment(ref next) < count)
                    {
                        inFlight.Enqueue(endpoint.Send(new FloorAlertSent(alert), cancellationToken));
                        if (inFlight.Count >= window)
                        {
                            await inFlight.Dequeue();
                        }
                    }

                    while (inFlight.Count > 0)
                    {
                        await inFlight.Dequeue();
                    }
                }));
                await done.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
                return (time.GetElapsedTime(started).TotalSeconds, router.Batches - batches);
            }

            // The bus is new: its first rounds compile MassTransit's generic pipes for these message types.
            for (var i = 0; i < WarmUpRounds; i++)
            {
                await RoundAsync(Math.Min(messages, 200));
            }

            var cpu = Environment.CpuUsage.TotalTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var machine = MachineLoadProbe.Start(time);
            var rounds = new List<(double Seconds, int Batches)>(Rounds);
            for (var i = 0; i < Rounds; i++)
            {
                rounds.Add(await RoundAsync(messages));
            }

            var load = machine.Stop();
            var total = (double)messages * Rounds;
            var median = rounds.OrderBy(r => r.Seconds).ElementAt(Rounds / 2);
            return new MassTransitFloorResult(
                messages, senders, window, prefetch, concurrency, batchSize, batchWait.TotalMilliseconds, Math.Round(median.Seconds, 4),
                median.Batches,
                Math.Round((Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / total, 3),
                Math.Round((GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / total, 1))
            {
                Machine = load,
            };
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
            await DeleteAsync(address, [first, second]);
        }
    }

    // MassTransit declares a queue and an exchange of the same name per endpoint; neither outlives the measurement.
    private static async Task DeleteAsync(RabbitMqAddress address, IReadOnlyList<string> names)
    {
        await using var connection = await address.CreateConnectionFactory("outage-alerts bench floor").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var name in names)
        {
            await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false);
            await channel.ExchangeDeleteAsync(name);
        }
    }

    private sealed class ArrivalCounter
    {
        private int _left;
        private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Expect(int count)
        {
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _left, count);
            return _done.Task;
        }

        public void Arrived(int count)
        {
            if (Interlocked.Add(ref _left, -count) == 0)
            {
                _done.TrySetResult();
            }
        }
    }

    /// <summary>Routing with nothing to decide: each batch of alerts goes on in one message.</summary>
    private sealed class FloorRouter(Uri next) : IConsumer<Batch<FloorAlertSent>>
    {
        private int _batches;

        public int Batches => Volatile.Read(ref _batches);

        public async Task Consume(ConsumeContext<Batch<FloorAlertSent>> context)
        {
            var routed = new List<FloorAlertRouted>(context.Message.Length);
            foreach (var message in context.Message)
            {
                routed.Add(new FloorAlertRouted(message.Message.Alert, "bench"));
            }

            Interlocked.Increment(ref _batches);
            var endpoint = await context.GetSendEndpoint(next);
            await endpoint.Send(new FloorAlertsRouted(routed), context.CancellationToken);
        }
    }
}
