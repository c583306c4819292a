using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery;
using OutageAlerts.Feeds.Fetching;
using OutageAlerts.Feeds.Parsing;
using OutageAlerts.Host.Messaging;
using OutageAlerts.Ingestion.Configuration;
using OutageAlerts.Ingestion.Scheduling;
using OutageAlerts.Ingestion.State;
using RabbitMQ.Client;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>The run could not produce figures (broker unreachable, no alert ever arrived…); the message says why.</summary>
public sealed class PipelineBenchException : Exception
{
    public PipelineBenchException()
    {
    }

    public PipelineBenchException(string message)
        : base(message)
    {
    }

    public PipelineBenchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// <c>outage-alerts bench pipeline</c>: runs the real service (all roles, RabbitMQ, a temporary SQLite store) in this
/// process against local feed servers and a local webhook receiver, and measures in the same run, on the same broker,
/// the baselines it is compared with. Phases: start and first poll of every feed → warm-up (rounds of a few alerts until the JIT
/// settles, a copy of one AlertRaised message taken for the raw baseline, then one unmeasured burst of the measured
/// size) → raw RabbitMQ → throughput (a burst of alerts) → latency
/// (a steady rate) → raw webhook POSTs → poll cycle → resident memory.
/// </summary>
public sealed class PipelineBench(PipelineBenchOptions options, TimeProvider time, TextWriter progress)
{
    /// <summary>
    /// Enough for tiered compilation to reach its optimised code on the alert path (a method is recompiled after 30
    /// calls) and for Dapper's per-query caches: with 5, the JIT still took about a tenth of the processor time of the
    /// measured phases, a start-up cost a running service does not pay per alert.
    /// </summary>
    public const int WarmUpAlerts = 100;

    /// <summary>The pause before each raw round of the throughput phase, after the service's burst before it.</summary>
    public static readonly TimeSpan RawRoundSettle = TimeSpan.FromSeconds(1);

    /// <summary>Bursts of the throughput phase; the one with the median rate is reported, as for the raw baseline.</summary>
    public const int ThroughputRounds = 5;

    /// <summary>A warm-up round that compiled fewer methods than this counts as settled.</summary>
    public const int WarmUpSettledMethods = 25;

    /// <summary>
    /// Settled rounds in a row that end the warm-up. One was not enough: a quiet round can fall between the background
    /// compiler's batches (session 14: a warm-up that ended after 5 rounds, the last compiling 4 methods, was followed
    /// by bursts compiling 842 methods in 1.2 s each, half the processor time of the measured phase).
    /// </summary>
    public const int WarmUpSettledRounds = 2;

    public const double ChangedFeedFraction = 0.02;

    private const double MiB = 1024 * 1024;
    private static readonly TimeSpan AlertFeedInterval = TimeSpan.FromSeconds(1);

    // Polled once at start (for validators and the memory figure), then left alone while the phases run.
    private static readonly TimeSpan PollFeedInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan FirstPollStall = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan WarmUpTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan WarmUpPause = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan DeliveryIdleTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReleaseTick = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    // Keys the harness sets itself; what the environment says for them (feed presets, demo subscriptions, an outbox
    // directory, the operator's store) must not leak into the measured service.
    private static readonly string[] OwnedKeys =
    [
        "OutageAlerts:Feeds", "OutageAlerts:Subscriptions", "OutageAlerts:Delivery:OutboxDirectory", "OutageAlerts:Store",
        "OutageAlerts:Transport", "OutageAlerts:Incidents:FirstMessageHold", "OutageAlerts:Retention", "ConnectionStrings:OutageAlerts", "urls",
    ];

    private readonly string _run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private int _nextItem;
    private string _store = "sqlite (temporary file)";

    /// <param name="configuration">The service's configuration as an operator gives it (ConnectionStrings:RabbitMq at least).</param>
    /// <param name="hostArgs">Arguments for the service's host, as <c>run</c> takes them.</param>
    public async Task<PipelineBenchResult> RunAsync(IConfiguration configuration, string[] hostArgs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var address = RabbitMqAddress.Parse(configuration.GetConnectionString(MessagingOptions.ConnectionStringName));
        var messaging = MessagingOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(configuration.AsEnumerable())
            .AddInMemoryCollection([new(MessagingOptions.TransportKey, nameof(TransportKind.RabbitMq))])
            .Build());
        var broker = new BenchBroker(address);
        var anchor = time.GetUtcNow();
        Report($"run {_run}: broker {address.Host}:{address.Port} vhost '{address.VirtualHost}'");
        uint purged;
        try
        {
            purged = await broker.PurgeServiceQueuesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            throw new PipelineBenchException($"RabbitMQ at {address.Host}:{address.Port} (vhost '{address.VirtualHost}') is not usable: {ex.Message}", ex);
        }

        if (purged > 0)
        {
            Report($"purged {purged} messages left in the service's queues by an earlier run");
        }

        await using var alertFeeds = await AlertFeedServer.StartAsync(options.AlertFeeds, time);
        await using var pollFeeds = await PollFeedServer.StartAsync(options.Feeds, anchor);
        await using var receiver = await WebhookReceiver.StartAsync(time);
        var store = Directory.CreateTempSubdirectory("outage-alerts-bench-");
        await using var database = options.Store == BenchStore.Postgres ? await BenchDatabase.CreateAsync(configuration, _run, cancellationToken) : null;
        if (database is not null)
        {
            Report($"store: temporary PostgreSQL database {database.Name} on {database.Server}");
            _store = $"postgres {database.Server}";
        }

        try
        {
            var settings = Settings(configuration, alertFeeds, pollFeeds, receiver, store.FullName, database);
            await using var app = ServiceHost.Build(hostArgs, ServiceRoles.All, builder =>
            {
                var inherited = builder.Configuration.AsEnumerable()
                    .Where(kv => kv.Value is not null && !OwnedKeys.Any(k => kv.Key.Equals(k, StringComparison.OrdinalIgnoreCase) || kv.Key.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase)))
                    .ToList();
                builder.Configuration.Sources.Clear();
                builder.Configuration.AddInMemoryCollection(inherited).AddInMemoryCollection(settings);
            });
            using var stages = new StageTimings(time);
            await app.StartAsync(cancellationToken);
            PipelineBenchResult result;
            try
            {
                result = await MeasureAsync(app, address, messaging, broker, alertFeeds, pollFeeds, receiver, stages, cancellationToken);
            }
            finally
            {
                using var stop = new CancellationTokenSource(StopTimeout, time);
                await app.StopAsync(stop.Token);
            }

            return await WithServiceAloneAsync(result, settings, alertFeeds, pollFeeds, receiver, cancellationToken);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                store.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A file still open on a slow shutdown; the temp folder is cleaned by the system eventually.
            }
        }
    }

    /// <summary>
    /// Last, with the measured service stopped: its queues and store are then the restarted process's alone. Only on
    /// SQLite: Quartz's clustered store on PostgreSQL keeps the stopped service's triggers, an hour out for the poll feeds.
    /// </summary>
    private async Task<PipelineBenchResult> WithServiceAloneAsync(
        PipelineBenchResult result,
        Dictionary<string, string?> settings,
        AlertFeedServer alertFeeds,
        PollFeedServer pollFeeds,
        WebhookReceiver receiver,
        CancellationToken cancellationToken)
    {
        if (!options.ServiceAlone || options.Store != BenchStore.Sqlite)
        {
            return result;
        }

        Report($"service alone: outage-alerts run on this run's store, {alertFeeds.Count + pollFeeds.Count} feeds, one new report");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var next = Interlocked.Add(ref _nextItem, OpenIncidentsProbe.ProbeStride);
        var probe = BenchItems.Strike(_run, next, time.GetUtcNow()) with { Published = time.GetUtcNow() };
        var (alone, problem) = await ServiceAloneProbe.RunAsync(
            settings, OwnedKeys, alertFeeds, pollFeeds, receiver, probe, options.OpenIncidents, time, Report, cancellationToken);
        return result with
        {
            ServiceAlone = alone,
            Problems = problem is null ? result.Problems : [.. result.Problems, problem],
        };
    }

    private async Task<PipelineBenchResult> MeasureAsync(
        WebApplication app,
        RabbitMqAddress address,
        MessagingOptions messaging,
        BenchBroker broker,
        AlertFeedServer alertFeeds,
        PollFeedServer pollFeeds,
        WebhookReceiver receiver,
        StageTimings stages,
        CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var states = await WaitForFirstPollAsync(app.Services.GetRequiredService<FeedStateAdministration>(), pollFeeds, cancellationToken);

        // Warm-up: connections, the broker topology, one real AlertRaised message for the raw baseline, and the JIT.
        // Tiered compilation promotes a hot method only after it has been called 30 times and no new method has been
        // compiled for a while; with a single round of 100 alerts the JIT still took a fifth of the processor time of
        // the measured phases (perf: the ".NET Tiered Compilation" thread). So rounds go on until one compiles
        // fewer than WarmUpSettledMethods methods WarmUpSettledRounds times in a row: the steady state a service that
        // has run for minutes is in.
        Report($"warm-up: {WarmUpAlerts} alerts");
        BasicGetResult? captured;
        var warmUpRounds = 0;
        long jitInLastRound;
        await using (var tap = await broker.TapAlertRaisedAsync($"bench-raw-tap-{_run}", cancellationToken))
        {
            var jitBefore = JitInfo.GetCompiledMethodCount();
            var warmUp = Release(alertFeeds, WarmUpAlerts, AlertFeedGroup.Burst);
            warmUpRounds++;
            if (await receiver.WaitForAsync(warmUp, WarmUpTimeout, cancellationToken) == 0)
            {
                throw new PipelineBenchException(
                    $"No alert reached the webhook receiver within {WarmUpTimeout.TotalSeconds:0} s of the warm-up; the service's log (stderr) says why.");
            }

            captured = await tap.TakeAsync(WarmUpTimeout, time, cancellationToken);
            jitInLastRound = JitInfo.GetCompiledMethodCount() - jitBefore;
            var settledInARow = 0;
            while (settledInARow < WarmUpSettledRounds && warmUpRounds < options.MaxWarmUpRounds)
            {
                // Give the background compiler its delay, then see whether another round still compiles much.
                await Task.Delay(WarmUpPause, time, cancellationToken);
                jitBefore = JitInfo.GetCompiledMethodCount();
                await receiver.WaitForAsync(Release(alertFeeds, WarmUpAlerts, AlertFeedGroup.Burst), WarmUpTimeout, cancellationToken);
                warmUpRounds++;
                jitInLastRound = JitInfo.GetCompiledMethodCount() - jitBefore;
                settledInARow = jitInLastRound < WarmUpSettledMethods ? settledInARow + 1 : 0;
            }

            Report($"warm-up: {warmUpRounds} rounds of {WarmUpAlerts} alerts; the last compiled {jitInLastRound} methods");
        }

        // One burst of the measured size through the measured rounds' own path, not counted: a burst ten times the
        // warm-up's takes paths its rounds do not (full publish windows, routing batches that fill, larger webhook
        // messages), and the harness's probes (spans, the writer's meter, the timeline) ran for the first time in the
        // first measured round. Without it that round compiled 242 methods in 185 ms and the next two 114 and 122
        // (session 16): the first round measured the JIT as much as the service.
        Report($"warm-up: one unmeasured burst of {options.Alerts} alerts at once over {options.AlertFeeds} feeds");
        var rehearsal = await MeasureBurstAsync(alertFeeds, receiver, stages, options.Alerts, options, cancellationToken);
        Report($"warm-up: the unmeasured burst compiled {rehearsal.Jit.Methods} methods in {rehearsal.Jit.Time.TotalMilliseconds:0} ms");
        if (rehearsal.Delivered < rehearsal.Released.Count)
        {
            problems.Add($"warm-up's unmeasured burst: {rehearsal.Released.Count - rehearsal.Delivered} of {rehearsal.Released.Count} alerts never reached the webhook");
        }

        var (body, properties) = captured is null
            ? (new byte[SyntheticMessageBytes], new BasicProperties { ContentType = "application/json" })
            : (captured.Body.ToArray(), new BasicProperties(captured.BasicProperties));
        if (captured is null)
        {
            problems.Add($"no AlertRaised message was captured; the raw baseline used {SyntheticMessageBytes}-byte messages");
        }

        // The pipelined rounds keep as many publishes unconfirmed per publisher as the running service's poller does.
        var window = app.Services.GetRequiredService<IOptions<IngestionOptions>>().Value.MaxPublishesInFlight;
        Report($"raw RabbitMQ: {options.Alerts} messages of {body.Length} bytes, one in flight per publisher, each round before the service's");
        await using var rawBaseline = await RawRabbitMqBaseline.StartAsync(
            address, $"bench-raw-{_run}", body, properties, options.Alerts, options.AlertFeeds, messaging.PrefetchCount, time, cancellationToken);

        // The service's rounds and the raw baseline's alternate, each figure the median of its rounds: one burst lasts
        // under a second, a collection or a neighbour's burst on a shared machine moved a single round's rate by a
        // fifth either way, and the machine itself ran a third slower at times within minutes (session 17). Side by
        // side, both are measured on the same machine in the same minute.
        var rounds = new List<BurstRound>(ThroughputRounds);
        for (var round = 0; round < ThroughputRounds; round++)
        {
            // What the last burst left behind (the writer's last commits and checkpoint, the broker writing and deleting
            // its messages) settles first, so that the raw round neither competes with it nor gains from it.
            await Task.Delay(RawRoundSettle, time, cancellationToken);
            var rawSeconds = await rawBaseline.RoundAsync(cancellationToken);
            Report($"raw RabbitMQ: round {round + 1}: {options.Alerts / rawSeconds:0} messages/s");
            Report($"throughput: {options.Alerts} alerts at once over {options.AlertFeeds} feeds, round {round + 1} of {ThroughputRounds}");
            var measured = await MeasureBurstAsync(alertFeeds, receiver, stages, options.Alerts, options, cancellationToken);
            rounds.Add(measured);
            var ephemeral = GC.GetGCMemoryInfo(GCKind.Ephemeral);
            Report(
                $"throughput: round {round + 1}: {measured.AlertsPerSecond:0} alerts/s, "
                + $"{measured.Cpu.TotalMilliseconds / Math.Max(1, measured.Delivered):0.00} ms processor time per alert, "
                + $"the JIT compiled {measured.Jit.Methods} methods in {measured.Jit.Time.TotalMilliseconds:0} ms; "
                + $"{measured.Collections} collections, {measured.Pause.TotalMilliseconds:0} ms paused; "
                + $"last ephemeral collection: gen {ephemeral.Generation}, promoted {ephemeral.PromotedBytes / MiB:0.0} MB, "
                + $"paused {ephemeral.PauseDurations[0].TotalMilliseconds:0} ms");
        }

        foreach (var (round, index) in rounds.Select((r, i) => (r, i)).Where(x => x.r.Delivered < x.r.Released.Count))
        {
            problems.Add($"throughput phase, round {index + 1}: {round.Released.Count - round.Delivered} of {round.Released.Count} alerts never reached the webhook");
        }

        Report($"raw RabbitMQ: {options.Alerts} messages, up to {window} in flight per publisher");
        var raw = await rawBaseline.ResultAsync(window, cancellationToken);

        // The median round's figures, all of them from that round, so that they describe one and the same burst.
        var median = rounds.OrderBy(r => r.AlertsPerSecond).ElementAt(rounds.Count / 2);
        var (burst, delivered, burstArrivals, alertsPerSecond) = (median.Released, median.Delivered, median.Arrivals, median.AlertsPerSecond);

        Report($"latency: {options.Rate:0.#} alerts/s for {options.Duration.TotalSeconds:0.#} s");
        stages.Start();
        var steady = await ReleaseSteadilyAsync(alertFeeds, cancellationToken);
        var steadyDelivered = await receiver.WaitForAsync(steady, DeliveryIdleTimeout, cancellationToken);
        var steadyStages = stages.Stop();
        var utcNow = DateTime.UtcNow;
        var nowStamp = time.GetTimestamp();
        DateTime Utc(long stamp) => utcNow - time.GetElapsedTime(stamp, nowStamp);
        var breakdown = stages.Breakdown(steady
            .Select(id => (Id: id, Served: alertFeeds.FirstServed(id), Arrival: receiver.Arrival(id)))
            .Where(x => x.Served is not null && x.Arrival is not null)
            .Select(x => (x.Id, Utc(x.Served!.Value), Utc(x.Arrival!.At))));
        var latencies = steady
            .Select(id => (Served: alertFeeds.FirstServed(id), Arrival: receiver.Arrival(id)))
            .Where(x => x.Served is not null && x.Arrival is not null)
            .Select(x => time.GetElapsedTime(x.Served!.Value, x.Arrival!.At).TotalMilliseconds)
            .ToList();
        if (steadyDelivered < steady.Count)
        {
            problems.Add($"latency phase: {steady.Count - steadyDelivered} of {steady.Count} alerts never reached the webhook");
        }

        var all = rounds.SelectMany(r => r.Arrivals).Concat(steady.Select(receiver.Arrival).OfType<WebhookArrival>()).ToList();
        var distinct = all.Select(a => a.AlertId).Distinct(StringComparer.Ordinal).Count();
        if (distinct != all.Count)
        {
            problems.Add($"{all.Count - distinct} alerts shared an alert id: correlation merged reports meant as separate incidents");
        }

        var posts = await RawWebhookPostsAsync(receiver, options.Alerts, cancellationToken);

        Report($"poll cycle: {pollFeeds.Count} feeds");
        var fetcher = app.Services.GetRequiredService<IFeedFetcher>();
        var polled = await ValidatorsAsync(pollFeeds, states, fetcher, cancellationToken);
        var changed = Enumerable.Range(0, pollFeeds.Count).Where(i => i % (int)(1 / ChangedFeedFraction) == 0).ToList();
        pollFeeds.Change(changed);
        var cycle = await PollCycleBenchmark.RunAsync(
            polled, pollFeeds.Publishers, changed.Count, fetcher, app.Services.GetRequiredService<IFeedParser>(), time, cancellationToken);
        if (cycle.Failed > 0)
        {
            problems.Add($"poll cycle: {cycle.Failed} fetches failed");
        }

        OpenIncidentsSummary? openIncidents = null;
        if (options.OpenIncidents > 0)
        {
            Report($"open incidents: {options.OpenIncidents} seeded, then {OpenIncidentsProbe.Probes} new reports through the pipeline");
            var now = time.GetUtcNow();
            var span = OpenIncidentsProbe.Probes * OpenIncidentsProbe.ProbeStride;
            var probes = OpenIncidentsProbe.ProbeItems(_run, Interlocked.Add(ref _nextItem, span) - span + 1, now);
            openIncidents = await OpenIncidentsProbe.RunAsync(
                app.Services, alertFeeds, receiver, _run, options.OpenIncidents, probes, time, cancellationToken);
            if (openIncidents.ProbesDelivered < openIncidents.Probes)
            {
                problems.Add($"open incidents: {openIncidents.Probes - openIncidents.ProbesDelivered} of {openIncidents.Probes} probe reports never reached the webhook");
            }
        }

        var rss = Environment.WorkingSet / MiB;
        var heap = GC.GetGCMemoryInfo();

        // Last, once memory is read: a second bus compiling its own pipes would disturb the service's figures.
        MassTransitFloorResult? floor = null;
        if (captured is not null && MassTransitFloor.AlertFrom(captured.Body.Span) is { } floorAlert)
        {
            var delivery = app.Services.GetRequiredService<IOptions<DeliveryOptions>>().Value;
            Report($"MassTransit alone: {options.Alerts} alerts over two hops, {window} in flight per sender");
            floor = await MassTransitFloor.RunAsync(
                address, _run, floorAlert, options.Alerts, options.AlertFeeds, window, messaging.PrefetchCount,
                delivery.Channels.Routing.ConcurrentMessageLimit ?? delivery.ConcurrentMessageLimit, delivery.RoutingBatchSize,
                delivery.RoutingBatchWait, time, cancellationToken);
        }
        else
        {
            problems.Add("no AlertRaised message was captured; MassTransit's two hops were not measured alone");
        }

        var perSecond = Math.Round(alertsPerSecond, 1);
        var rawPerSecond = Math.Round(raw.MessagesPerSecond, 1);
        var pipelinedPerSecond = raw.PipelinedPerSecond;
        return new PipelineBenchResult
        {
            AlertsPerSecond = perSecond,
            RawRabbitMqPerSecond = rawPerSecond,
            Ratio = rawPerSecond > 0 ? Math.Round(perSecond / rawPerSecond, 4) : 0,
            PipelinedRatio = pipelinedPerSecond > 0 ? Math.Round(perSecond / pipelinedPerSecond, 4) : 0,
            FetchToWebhookMs = LatencySummary.From(latencies, options.Rate),
            PollCycle = new PollCycleSummary(
                // Microseconds: a small cycle takes a few milliseconds, and four decimals made its ratio disagree with
                // its own seconds by more than a percent.
                cycle.Feeds, Math.Round(cycle.Seconds, 6), Math.Round(cycle.RawSeconds, 6), Math.Round(cycle.Ratio, 3), Math.Round(cycle.RawUnconditionalSeconds, 6),
                cycle.Publishers, cycle.Parallelism, cycle.Changed, cycle.NotModified, cycle.Failed, states.Count),
            RssMb = Math.Round(rss, 1),
            OpenIncidents = openIncidents,
            Memory = new MemorySummary(
                Math.Round(rss, 1), Math.Round(heap.HeapSizeBytes / MiB, 1), Math.Round(heap.TotalCommittedBytes / MiB, 1), GCSettings.IsServerGC,
                GCSettings.LatencyMode.ToString()),
            Throughput = new ThroughputSummary(
                burst.Count, delivered, burstArrivals.Select(a => a.AlertId).Distinct(StringComparer.Ordinal).Count(), Math.Round(median.Seconds, 3),
                Math.Round(median.Cpu.TotalMilliseconds / Math.Max(1, burst.Count), 2), median.Jit.Methods, Math.Round(median.Jit.Time.TotalMilliseconds, 1))
            {
                Machine = median.Load,
                AllocatedKbPerAlert = Math.Round(median.Allocated / 1024.0 / Math.Max(1, burst.Count), 1),
                GcCollections = median.Collections,
                GcPauseMs = Math.Round(median.Pause.TotalMilliseconds, 1),
                StoreWriter = median.Writer,
                Timeline = median.Timeline,
                RoundsAlertsPerSecond = [.. rounds.Select(r => Math.Round(r.AlertsPerSecond, 1))],
            },
            WarmUp = new WarmUpSummary(warmUpRounds, (warmUpRounds * WarmUpAlerts) + rehearsal.Released.Count, jitInLastRound, rehearsal.Jit.Methods),
            RawRabbitMq = raw with { Seconds = Math.Round(raw.Seconds, 4) },
            MassTransitFloor = floor,
            FloorRatio = floor is not null && rawPerSecond > 0 ? Math.Round(floor.MessagesPerSecond / rawPerSecond, 4) : 0,
            WebhookPosts = posts,
            Machine = new BenchMachine(Environment.ProcessorCount, RuntimeInformation.OSDescription, Environment.Version.ToString(), GCSettings.IsServerGC),
            Settings = new BenchSettings(options.Alerts, options.Rate, options.Duration.TotalSeconds, options.Feeds, options.AlertFeeds, $"{address.Host}:{address.Port} vhost {address.VirtualHost}", _store),
            Stages = new StageTimingsSummary(median.Stages, steadyStages),
            LatencyBreakdown = breakdown,
            Complete = rounds.All(r => r.Delivered == r.Released.Count) && steadyDelivered == steady.Count,
            Problems = problems,
        };
    }

    /// <summary>One burst of the throughput phase: <c>--alerts</c> reports released at once on the burst feeds.</summary>
    private async Task<BurstRound> MeasureBurstAsync(
        AlertFeedServer alertFeeds, WebhookReceiver receiver, StageTimings stages, int alerts, PipelineBenchOptions options, CancellationToken cancellationToken)
    {
        using var writer = new StoreWriterProbe();
        stages.Start(milestones: false);
        writer.Start();
        var jit = (Methods: JitInfo.GetCompiledMethodCount(), Time: JitInfo.GetCompilationTime());
        var cpu = Environment.CpuUsage.TotalTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var collections = GC.CollectionCount(0);
        var pause = GC.GetTotalPauseDuration();
        var machine = MachineLoadProbe.Start(time);
        var released = time.GetTimestamp();
        var burst = Release(alertFeeds, alerts, AlertFeedGroup.Burst);
        var delivered = await receiver.WaitForAsync(burst, DeliveryIdleTimeout, cancellationToken);
        var load = machine.Stop();
        var writerLoad = writer.Stop();
        cpu = Environment.CpuUsage.TotalTime - cpu;
        allocated = GC.GetTotalAllocatedBytes() - allocated;
        collections = GC.CollectionCount(0) - collections;
        pause = GC.GetTotalPauseDuration() - pause;
        jit = (JitInfo.GetCompiledMethodCount() - jit.Methods, JitInfo.GetCompilationTime() - jit.Time);
        var burstStages = stages.Stop();
        var arrivals = burst.Select(receiver.Arrival).OfType<WebhookArrival>().ToList();
        var timeline = stages.Timeline(released, arrivals.Select(a => a.At));
        var firstServed = burst.Select(alertFeeds.FirstServed).OfType<long>().DefaultIfEmpty().Min();
        var seconds = arrivals.Count == 0 ? 0 : time.GetElapsedTime(firstServed, arrivals.Max(a => a.At)).TotalSeconds;
        if (options.Store == BenchStore.Sqlite && seconds > 0)
        {
            writerLoad = writerLoad with { BusyShare = Math.Round(writerLoad.BusyMs / (seconds * 1000), 3) };
        }

        if (writerLoad.WalKb is { } walKb && delivered > 0)
        {
            writerLoad = writerLoad with { WalKbPerAlert = Math.Round(walKb / delivered, 2) };
        }

        return new BurstRound(
            burst, delivered, arrivals, seconds, seconds > 0 ? delivered / seconds : 0, cpu, allocated, collections, pause, jit, load, writerLoad,
            burstStages, timeline);
    }

    private sealed record BurstRound(
        List<string> Released,
        int Delivered,
        List<WebhookArrival> Arrivals,
        double Seconds,
        double AlertsPerSecond,
        TimeSpan Cpu,
        long Allocated,
        int Collections,
        TimeSpan Pause,
        (long Methods, TimeSpan Time) Jit,
        MachineLoad? Load,
        StoreWriterLoad Writer,
        IReadOnlyDictionary<string, StageSummary> Stages,
        IReadOnlyList<TimelineBucket> Timeline);

    private static Dictionary<string, string?> Settings(
        IConfiguration configuration, AlertFeedServer alertFeeds, PollFeedServer pollFeeds, WebhookReceiver receiver, string storeDirectory, BenchDatabase? database)
    {
        var c = CultureInfo.InvariantCulture;
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["urls"] = "http://127.0.0.1:0",
            ["OutageAlerts:Transport"] = nameof(TransportKind.RabbitMq),
            ["ConnectionStrings:RabbitMq"] = configuration.GetConnectionString(MessagingOptions.ConnectionStringName),
            ["OutageAlerts:Store:Provider"] = database is null ? "Sqlite" : "Postgres",
            ["ConnectionStrings:OutageAlerts"] = database?.ConnectionString ?? $"Data Source={Path.Combine(storeDirectory, "store.db")}",
            ["OutageAlerts:Subscriptions:0:Id"] = "bench-webhook",
            ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
            ["OutageAlerts:Subscriptions:0:Target"] = receiver.HookUrl.AbsoluteUri,
            ["OutageAlerts:Subscriptions:0:Secret"] = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["OutageAlerts:Subscriptions:0:Format"] = "json",
            ["OutageAlerts:Subscriptions:0:MinSeverity"] = "Minor",
            ["OutageAlerts:Webhooks:AllowPrivateTargets"] = "true",

            // The reports are Extreme and announced at once anyway; no hold makes sure nothing waits.
            ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00",

            // The reports lie two days apart back in time, years back in a long run: with a retention period the
            // older ones would never be alerted on, and nothing in a run's temporary store is old enough to purge.
            ["OutageAlerts:Retention:Enabled"] = "false",

            // stdout carries the figures; the service's own log goes to stderr, warnings and worse only.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:LogToStandardErrorThreshold"] = "Trace",
        };
        for (var i = 0; i < alertFeeds.Count; i++)
        {
            settings[string.Create(c, $"OutageAlerts:Feeds:{i}:Name")] = alertFeeds.GroupOf(i) == AlertFeedGroup.Burst
                ? BurstFeedName(i)
                : string.Create(c, $"bench-alerts-{i}");
            settings[string.Create(c, $"OutageAlerts:Feeds:{i}:Url")] = alertFeeds.FeedUrl(i).AbsoluteUri;
            settings[string.Create(c, $"OutageAlerts:Feeds:{i}:Interval")] = AlertFeedInterval.ToString("c", c);
        }

        for (var i = 0; i < pollFeeds.Count; i++)
        {
            var n = alertFeeds.Count + i;
            settings[string.Create(c, $"OutageAlerts:Feeds:{n}:Name")] = PollFeedServer.Name(i);
            settings[string.Create(c, $"OutageAlerts:Feeds:{n}:Url")] = pollFeeds.FeedUrl(i).AbsoluteUri;
            settings[string.Create(c, $"OutageAlerts:Feeds:{n}:Interval")] = PollFeedInterval.ToString("c", c);
        }

        return settings;
    }

    /// <summary>
    /// A name for burst feed <paramref name="i"/> that the service polls at the start of each second, as every other
    /// burst feed: the service places each feed in its interval by its name (<see cref="FeedScheduleSynchronizer.PhaseOf"/>).
    /// With the burst on feeds of spread phases, the first of them was fetched ~0.86 s before the last whatever the
    /// moment of the release (ten phases in one second), and the throughput phase measured that wait: at most ~1,000
    /// of 1,000 alerts per second however fast the service was.
    /// </summary>
    private static string BurstFeedName(int i)
    {
        for (var salt = 0; ; salt++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"bench-burst-{i}-{salt}");
            if (FeedScheduleSynchronizer.PhaseOf(new FeedOptions { Name = name, Interval = AlertFeedInterval }) == TimeSpan.Zero)
            {
                return name;
            }
        }
    }

    /// <summary>
    /// Waits until the service has polled every poll-cycle feed once and returns the states its store keeps. Gives up
    /// when polling stalls: on a loaded machine the first cycle can outlast Quartz's misfire threshold, and a misfired
    /// trigger of an hourly feed waits an hour.
    /// </summary>
    private async Task<Dictionary<string, FeedState>> WaitForFirstPollAsync(
        FeedStateAdministration administration, PollFeedServer pollFeeds, CancellationToken cancellationToken)
    {
        Report($"service started; waiting for its first poll of {pollFeeds.Count} feeds");
        var started = time.GetTimestamp();
        var progressed = started;
        var polled = 0;
        while (true)
        {
            var states = (await administration.ListAsync(cancellationToken))
                .Where(s => s.Feed.StartsWith("bench-poll-", StringComparison.Ordinal) && s.LastSuccess is not null)
                .ToDictionary(s => s.Feed, StringComparer.Ordinal);
            if (states.Count >= pollFeeds.Count)
            {
                Report($"first poll of {pollFeeds.Count} feeds done after {time.GetElapsedTime(started).TotalSeconds:0.0} s");
                return states;
            }

            if (states.Count > polled)
            {
                polled = states.Count;
                progressed = time.GetTimestamp();
            }
            else if (time.GetElapsedTime(progressed) > FirstPollStall)
            {
                Report($"first poll stalled at {states.Count} of {pollFeeds.Count} feeds ({pollFeeds.Requests} requests served); the rest get their validators from one fetch by the harness");
                return states;
            }

            await Task.Delay(FirstPollCheckInterval, time, cancellationToken);
        }
    }

    /// <summary>The poll-cycle feeds with the validators the store holds, or, for feeds the service has not polled, from one fetch now.</summary>
    private static async Task<List<PolledFeed>> ValidatorsAsync(
        PollFeedServer pollFeeds, Dictionary<string, FeedState> states, IFeedFetcher fetcher, CancellationToken cancellationToken)
    {
        var feeds = new PolledFeed[pollFeeds.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, pollFeeds.Count),
            new ParallelOptions { MaxDegreeOfParallelism = PollCycleBenchmark.Parallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var url = pollFeeds.FeedUrl(i);
                if (states.TryGetValue(PollFeedServer.Name(i), out var state))
                {
                    feeds[i] = new PolledFeed(url, state.ETag, state.LastModified);
                    return;
                }

                var fetched = await fetcher.FetchAsync(new FetchRequest(url), token);
                feeds[i] = new PolledFeed(url, fetched.ETag, fetched.LastModified);
            });
        return [.. feeds];
    }

    private List<string> Release(AlertFeedServer feeds, int count, AlertFeedGroup group)
    {
        var items = Enumerable.Range(0, count).Select(_ => BenchItems.Strike(_run, Interlocked.Increment(ref _nextItem), time.GetUtcNow())).ToList();
        feeds.Release(items, group);
        return [.. items.Select(i => i.Id)];
    }

    /// <summary>Releases <see cref="PipelineBenchOptions.LatencyAlerts"/> items at <see cref="PipelineBenchOptions.Rate"/>, evenly over time.</summary>
    private async Task<List<string>> ReleaseSteadilyAsync(AlertFeedServer feeds, CancellationToken cancellationToken)
    {
        var total = options.LatencyAlerts;
        var released = new List<string>(total);
        var started = time.GetTimestamp();
        while (released.Count < total)
        {
            var due = Math.Min(total, (int)(time.GetElapsedTime(started).TotalSeconds * options.Rate) + 1);
            if (due > released.Count)
            {
                released.AddRange(Release(feeds, due - released.Count, AlertFeedGroup.Steady));
            }

            await Task.Delay(ReleaseTick, time, cancellationToken);
        }

        return released;
    }

    /// <summary>Raw HttpClient POSTs of a real webhook body to the same receiver, as many at once as the webhook queue delivers.</summary>
    private async Task<WebhookPostSummary> RawWebhookPostsAsync(WebhookReceiver receiver, int count, CancellationToken cancellationToken)
    {
        var body = receiver.Sample ?? new byte[SyntheticMessageBytes];
        const int parallelism = DeliveryOptions.DefaultConcurrentMessageLimit;
        using var client = new HttpClient();
        async Task PostAsync()
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(receiver.RawUrl, content, cancellationToken);
            response.EnsureSuccessStatusCode();
        }

        for (var i = 0; i < parallelism; i++)
        {
            await PostAsync();
        }

        var started = time.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (_, _) => await PostAsync());
        var seconds = time.GetElapsedTime(started).TotalSeconds;
        return new WebhookPostSummary(count, body.Length, parallelism, Math.Round(seconds > 0 ? count / seconds : 0, 1));
    }

    private void Report(string message) => progress.WriteLine($"[bench {time.GetUtcNow():HH:mm:ss}] {message}");

    private const int SyntheticMessageBytes = 2500;
    private static readonly TimeSpan FirstPollCheckInterval = TimeSpan.FromMilliseconds(500);
}
