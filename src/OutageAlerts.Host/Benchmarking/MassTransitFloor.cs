using System.Text.Json;
using System.Text.Json.Serialization;
using MassTransit;
using OutageAlerts.Contracts;
using OutageAlerts.Host.Messaging;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>What MassTransit alone did with the alerts' two hops.</summary>
/// <param name="Seconds">Median round, from the first send to the second hop's last message.</param>
/// <param name="CpuMsPerMessage">Processor time of the process per message carried over both hops.</param>
/// <param name="AllocatedKbPerMessage">Managed allocations of the process per message carried over both hops.</param>
public sealed record MassTransitFloorResult(
    int Messages, int Senders, int Window, ushort Prefetch, int ConcurrentMessageLimit, double Seconds, double CpuMsPerMessage,
    double AllocatedKbPerMessage)
{
    public double MessagesPerSecond => Seconds > 0 ? Math.Round(Messages / Seconds, 1) : 0;

    /// <summary>How busy the machine was during the measured rounds; null where /proc/stat cannot be read.</summary>
    public MachineLoad? Machine { get; init; }
}

/// <summary>A real alert, carried by the floor's first hop.</summary>
public sealed record FloorAlertSent(Alert Alert);

/// <summary>The same alert with the subscription routing would add, carried by the floor's second hop.</summary>
public sealed record FloorAlertRouted(Alert Alert, string SubscriptionId);

/// <summary>
/// The alert path's two broker hops with nothing else in them: a bus of its own on the same broker, vhost, prefetch
/// and consumer concurrency as the service, whose first endpoint sends each message on to the second (as routing sends
/// a delivery) and whose second only counts. Senders keep the poller's window of sends unconfirmed. The difference to
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
        TimeProvider time, CancellationToken cancellationToken)
    {
        var first = $"bench-floor-a-{run}";
        var second = $"bench-floor-b-{run}";
        var counter = new ArrivalCounter();
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
                e.Handler<FloorAlertSent>(async context =>
                {
                    var next = await context.GetSendEndpoint(new Uri($"queue:{second}"));
                    await next.Send(new FloorAlertRouted(context.Message.Alert, "bench"), context.CancellationToken);
                });
            });
            cfg.ReceiveEndpoint(second, e =>
            {
                e.ConfigureConsumeTopology = false;
                e.ConcurrentMessageLimit = concurrency;
                e.UseMessageRetry(r => r.Immediate(1));
                e.Handler<FloorAlertRouted>(_ =>
                {
                    counter.Arrived();
                    return Task.CompletedTask;
                });
            });
        });

        await bus.StartAsync(cancellationToken);
        try
        {
            var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{first}"));
            async Task<double> RoundAsync(int count)
            {
                var done = counter.Expect(count);
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
                return time.GetElapsedTime(started).TotalSeconds;
            }

            // The bus is new: its first rounds compile MassTransit's generic pipes for these message types.
            for (var i = 0; i < WarmUpRounds; i++)
            {
                await RoundAsync(Math.Min(messages, 200));
            }

            var cpu = Environment.CpuUsage.TotalTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var machine = MachineLoadProbe.Start(time);
            var seconds = new List<double>(Rounds);
            for (var i = 0; i < Rounds; i++)
            {
                seconds.Add(await RoundAsync(messages));
            }

            var load = machine.Stop();
            var total = (double)messages * Rounds;
            seconds.Sort();
            return new MassTransitFloorResult(
                messages, senders, window, prefetch, concurrency, Math.Round(seconds[Rounds / 2], 4),
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

        public void Arrived()
        {
            if (Interlocked.Decrement(ref _left) == 0)
            {
                _done.TrySetResult();
            }
        }
    }
}
