using System.Globalization;
using System.Text.Json.Serialization;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>
/// The harness's figures (DESIGN.md contract 6): <c>alertsPerSecond</c>, <c>rawRabbitMqPerSecond</c>, <c>ratio</c>,
/// <c>fetchToWebhookMs</c>, <c>pollCycle</c> and <c>rssMb</c> are the contract, the rest say how they were measured. Times are in seconds unless named otherwise.
/// </summary>
public sealed record PipelineBenchResult
{
    /// <summary>Alerts per second end to end in the throughput phase: first feed response to last webhook.</summary>
    public required double AlertsPerSecond { get; init; }

    /// <summary>Raw RabbitMQ.Client messages per second on the same broker, same count and size (see <see cref="RawRabbitMq"/>).</summary>
    public required double RawRabbitMqPerSecond { get; init; }

    /// <summary><see cref="AlertsPerSecond"/> / <see cref="RawRabbitMqPerSecond"/>.</summary>
    public required double Ratio { get; init; }

    /// <summary>
    /// <see cref="AlertsPerSecond"/> / <see cref="RawRabbitMqResult.PipelinedPerSecond"/>: against the broker with as
    /// many unconfirmed publishes per publisher as the service's poller allows itself.
    /// </summary>
    public required double PipelinedRatio { get; init; }

    /// <summary>From the feed response that first carried an item to its webhook's arrival, in the latency phase.</summary>
    public required LatencySummary FetchToWebhookMs { get; init; }

    public required PollCycleSummary PollCycle { get; init; }

    /// <summary>Resident memory of the whole process at the end, with every feed configured in the service.</summary>
    public required double RssMb { get; init; }

    /// <summary>What the resident memory is made of: the managed heap and what the GC keeps committed for it.</summary>
    public required MemorySummary Memory { get; init; }

    /// <summary>The open incidents the store held when memory was read, and the reports correlated against them; null with <c>--open-incidents 0</c>.</summary>
    public OpenIncidentsSummary? OpenIncidents { get; init; }

    /// <summary>
    /// <see cref="RssMb"/> without the harness: the service restarted alone on the same store and feeds (see
    /// <see cref="ServiceAloneProbe"/>); null with <c>--service-alone false</c> or <c>--store postgres</c>.
    /// </summary>
    public ServiceAloneSummary? ServiceAlone { get; init; }

    public required ThroughputSummary Throughput { get; init; }

    public required WarmUpSummary WarmUp { get; init; }

    /// <summary>The latency phase's fetch-to-webhook time, step by step (see <see cref="StageTimings.Breakdown"/>).</summary>
    public required IReadOnlyDictionary<string, StageSummary> LatencyBreakdown { get; init; }

    public required RawRabbitMqResult RawRabbitMq { get; init; }

    /// <summary>
    /// The alert path's two MassTransit hops with no work in them (see <see cref="Benchmarking.MassTransitFloor"/>); null
    /// when no alert was captured to carry.
    /// </summary>
    public MassTransitFloorResult? MassTransitFloor { get; init; }

    /// <summary>
    /// <see cref="MassTransitFloorResult.MessagesPerSecond"/> / <see cref="RawRabbitMqPerSecond"/>: the most
    /// <see cref="Ratio"/> could be if everything the service does besides MassTransit's two hops cost nothing.
    /// </summary>
    public double FloorRatio { get; init; }

    public required WebhookPostSummary WebhookPosts { get; init; }

    public required BenchMachine Machine { get; init; }

    public required BenchSettings Settings { get; init; }

    /// <summary>The service's spans per kind in the throughput and latency phases: where the time per alert goes.</summary>
    public required StageTimingsSummary Stages { get; init; }

    /// <summary>False when some alerts never reached the webhook: the figures then describe a broken run.</summary>
    public required bool Complete { get; init; }

    public required IReadOnlyList<string> Problems { get; init; }

    /// <summary>A table for people; the JSON is for tools.</summary>
    public void WriteTable(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"outage-alerts bench pipeline — {Machine.Processors} cores, {Machine.Os}, .NET {Machine.Runtime}, server GC {Machine.ServerGc}"));
        output.WriteLine(string.Create(c, $"broker {Settings.Broker}; {Settings.AlertFeeds} alert feeds polled every second; {Settings.Feeds} feeds configured"));
        output.WriteLine();
        output.WriteLine(string.Create(c, $"{"MEASURE",-40} {"SERVICE",12} {"RAW",12} {"RATIO",8}"));
        output.WriteLine(string.Create(c, $"{"alerts/s end to end vs RabbitMQ msgs/s",-40} {AlertsPerSecond,12:0.0} {RawRabbitMqPerSecond,12:0.0} {Ratio,8:0.000}"));
        output.WriteLine(string.Create(c, $"{"  RabbitMQ, " + RawRabbitMq.PipelinedWindow + " in flight per publisher",-40} {"",12} {RawRabbitMq.PipelinedPerSecond,12:0.0} {PipelinedRatio,8:0.000}"));
        output.WriteLine(string.Create(c, $"{"poll cycle of " + PollCycle.Feeds + " feeds (s) vs HttpClient",-40} {PollCycle.Seconds,12:0.000} {PollCycle.RawSeconds,12:0.000} {PollCycle.Ratio,8:0.00}"));
        output.WriteLine(string.Create(c, $"{"  HttpClient without validators (s)",-40} {"",12} {PollCycle.RawUnconditionalSeconds,12:0.000}"));
        output.WriteLine(string.Create(c, $"{"webhook POSTs/s (raw HttpClient)",-40} {"",12} {WebhookPosts.RawPerSecond,12:0.0}"));
        output.WriteLine();
        output.WriteLine(string.Create(c, $"fetch-to-webhook at {FetchToWebhookMs.Rate:0.#} alerts/s ({FetchToWebhookMs.Count} alerts): p50 {FetchToWebhookMs.P50:0.0} ms, p95 {FetchToWebhookMs.P95:0.0} ms, p99 {FetchToWebhookMs.P99:0.0} ms, max {FetchToWebhookMs.Max:0.0} ms"));
        output.WriteLine(string.Create(c, $"throughput phase (median of {string.Join(" / ", Throughput.RoundsAlertsPerSecond.Select(r => r.ToString("0", c)))} alerts/s): {Throughput.Delivered}/{Throughput.Alerts} alerts in {Throughput.Seconds:0.00} s ({Throughput.DistinctAlertIds} distinct alert ids), {Throughput.CpuMsPerAlert:0.00} ms of processor time per alert (raw RabbitMQ: {RawRabbitMq.CpuMsPerMessage:0.000} ms per message), {Throughput.AllocatedKbPerAlert:0.0} KiB allocated per alert, {Throughput.GcCollections} collections ({Throughput.GcPauseMs:0} ms paused), {Throughput.JitMethods} methods compiled in {Throughput.JitMs:0} ms"));
        if (Throughput.StoreWriter is { } w)
        {
            output.WriteLine(string.Create(c, $"SQLite writer in the throughput phase: {w.Commits} commits of {w.Writes} writes, busy {w.BusyMs:0} ms ({(w.BusyShare is { } share ? share.ToString("P0", c) : "n/a")} of the phase)"));
        }
        output.WriteLine(string.Create(c, $"warm-up: {WarmUp.Rounds} rounds, {WarmUp.Alerts} alerts; the last compiled {WarmUp.JitMethodsInLastRound} methods"));
        output.WriteLine(string.Create(c, $"raw RabbitMQ: {RawRabbitMq.Messages} × {RawRabbitMq.MessageBytes} B persistent, confirms, {RawRabbitMq.Publishers} publishers, prefetch {RawRabbitMq.Prefetch}, manual acks: {RawRabbitMq.Seconds:0.000} s one in flight, {RawRabbitMq.PipelinedSeconds:0.000} s {RawRabbitMq.PipelinedWindow} in flight ({RawRabbitMq.PipelinedCpuMsPerMessage:0.000} ms per message)"));
        WriteLoad(output, "throughput phase", Throughput.Machine);
        if (MassTransitFloor is { } floor)
        {
            output.WriteLine(string.Create(c, $"MassTransit alone, two hops: {floor.MessagesPerSecond:0.0} alerts/s (ratio to raw {FloorRatio:0.000}), {floor.CpuMsPerMessage:0.000} ms of processor time and {floor.AllocatedKbPerMessage:0.0} KiB per alert, {floor.Senders} senders with {floor.Window} in flight, prefetch {floor.Prefetch}, batches of up to {floor.BatchSize} (wait {floor.BatchWaitMs:0.#} ms, {floor.SecondHopMessages} second-hop messages), {floor.ConcurrentMessageLimit} at a time per endpoint"));
        }

        WriteLoad(output, "raw RabbitMQ, one in flight", RawRabbitMq.Machine);
        WriteLoad(output, "raw RabbitMQ, pipelined", RawRabbitMq.PipelinedMachine);
        output.WriteLine(string.Create(c, $"poll cycle: {PollCycle.NotModified} × 304, {PollCycle.Changed} changed, {PollCycle.Failed} failed; {PollCycle.Publishers} hosts, {PollCycle.Parallelism} at a time"));
        if (OpenIncidents is { } open)
        {
            output.WriteLine(string.Create(c, $"open incidents: {open.Seeded} seeded in {open.SeedSeconds:0.00} s; {open.ProbesDelivered} of {open.Probes} new reports delivered against them, fetch to webhook {string.Join(" / ", open.ProbeFetchToWebhookMs.Select(ms => ms.ToString("0", c)))} ms"));
        }

        output.WriteLine(string.Create(c, $"resident memory: {RssMb:0.0} MB (managed heap {Memory.ManagedHeapMb:0.0} MB, GC committed {Memory.GcCommittedMb:0.0} MB, {(Memory.ServerGc ? "server" : "workstation")} GC, {Memory.GcLatencyMode})"));
        if (ServiceAlone is { } alone)
        {
            output.WriteLine(string.Create(c, $"resident memory of the service alone (outage-alerts run on this run's store, {alone.Feeds} feeds, {alone.FeedsPolled} of them polled, one new report {(alone.ProbeDelivered ? "delivered" : "NOT delivered")}): {alone.RssMb:0.0} MB {alone.SettleSeconds:0} s after it was ready ({alone.ReadyRssMb:0.0} MB then, {alone.ReadySeconds:0.0} s after its start), peak {alone.PeakRssMb:0.0} MB, {alone.QuietTrims} quiet-time trims (longest pause {alone.QuietTrimMaxPauseMs?.ToString("0.0", c) ?? "-"} ms)"));
        }
        output.WriteLine();
        output.WriteLine(string.Create(c, $"{"SPANS (throughput phase)",-60} {"COUNT",7} {"MEAN ms",9} {"P99 ms",9} {"TOTAL s",9}"));
        foreach (var (name, stage) in Stages.Throughput)
        {
            output.WriteLine(string.Create(c, $"{name,-60} {stage.Count,7} {stage.MeanMs,9:0.00} {stage.P99Ms,9:0.00} {stage.TotalSeconds,9:0.000}"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(c, $"{"TIMELINE (throughput phase), ms from release",-60} {"ITEMS",7} {"ROUTED",9} {"DELIVERED",9}"));
        foreach (var bucket in Throughput.Timeline)
        {
            output.WriteLine(string.Create(c, $"{bucket.AtMs,-60} {bucket.ItemsProcessed,7} {bucket.Routed,9} {bucket.Delivered,9}"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(c, $"{"FETCH-TO-WEBHOOK, STEP BY STEP (latency phase)",-60} {"COUNT",7} {"P50 ms",9} {"P99 ms",9} {"MEAN ms",9}"));
        foreach (var (name, step) in LatencyBreakdown)
        {
            output.WriteLine(string.Create(c, $"{name,-60} {step.Count,7} {step.P50Ms,9:0.00} {step.P99Ms,9:0.00} {step.MeanMs,9:0.00}"));
        }

        foreach (var problem in Problems)
        {
            output.WriteLine(string.Create(c, $"PROBLEM: {problem}"));
        }
    }

    private static void WriteLoad(TextWriter output, string phase, MachineLoad? load)
    {
        if (load is not null)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"busy cores, {phase}: machine {load.MachineBusyCores:0.00} of {load.Processors}, this process {load.ProcessCores:0.00}, the rest (broker…) {load.OtherCores:0.00}"));
        }
    }
}

public sealed record LatencySummary(double P50, double P95, double P99, double Max, double Mean, int Count, double Rate)
{
    public static LatencySummary From(IReadOnlyCollection<double> milliseconds, double rate)
    {
        ArgumentNullException.ThrowIfNull(milliseconds);
        if (milliseconds.Count == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0, rate);
        }

        var sorted = milliseconds.Order().ToArray();
        return new LatencySummary(
            Round(Percentile(sorted, 50)), Round(Percentile(sorted, 95)), Round(Percentile(sorted, 99)),
            Round(sorted[^1]), Round(sorted.Average()), sorted.Length, rate);
    }

    /// <summary>Nearest rank: the smallest value with at least <paramref name="percent"/> % of the values at or below it.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static double Round(double value) => Math.Round(value, 1);
}

public sealed record PollCycleSummary(
    int Feeds, double Seconds, double RawSeconds, double Ratio, double RawUnconditionalSeconds,
    int Publishers, int Parallelism, int Changed, int NotModified, int Failed, int ValidatorsFromStore);

/// <param name="CpuMsPerAlert">
/// Processor time of the whole process (service, feed servers, receiver) during the phase, per alert: unlike the
/// rates, it hardly moves with what else runs on the machine.
/// </param>
public sealed record ThroughputSummary(
    int Alerts, int Delivered, int DistinctAlertIds, double Seconds, double CpuMsPerAlert, long JitMethods, double JitMs)
{
    /// <summary>How busy the machine was from the release of the alerts to the last webhook; null where /proc/stat cannot be read.</summary>
    public MachineLoad? Machine { get; init; }

    /// <summary>Bytes the whole process allocated on the managed heap during the phase, per alert, in KiB.</summary>
    public double AllocatedKbPerAlert { get; init; }

    /// <summary>Garbage collections during the phase (every one of them collects generation 0).</summary>
    public int GcCollections { get; init; }

    /// <summary>
    /// Time the runtime held managed threads paused for those collections, in milliseconds: in the phase's window, so
    /// comparable with <see cref="Seconds"/>, and with a workstation collector on the thread that triggered it.
    /// </summary>
    public double GcPauseMs { get; init; }

    /// <summary>
    /// Alerts per second of each of the phase's <see cref="PipelineBench.ThroughputRounds"/> bursts, in the order run; the
    /// other figures of this summary are the median round's.
    /// </summary>
    public IReadOnlyList<double> RoundsAlertsPerSecond { get; init; } = [];

    /// <summary>The SQLite writer's commits, writes and busy time in the phase; see <see cref="StoreWriterLoad"/>.</summary>
    public StoreWriterLoad? StoreWriter { get; init; }

    /// <summary>What each step finished per <see cref="StageTimeline.BucketWidth"/> from the release of the alerts.</summary>
    public IReadOnlyList<TimelineBucket> Timeline { get; init; } = [];
}

/// <summary>How long the warm-up went on: until a round of alerts compiled fewer than a handful of methods.</summary>
/// <param name="Rounds">Rounds of <see cref="PipelineBench.WarmUpAlerts"/> alerts.</param>
/// <param name="Alerts">Alerts of those rounds and of the unmeasured burst of the measured size that ends the warm-up.</param>
/// <param name="JitMethodsInLastRound">Methods the JIT compiled in the last round of <see cref="PipelineBench.WarmUpAlerts"/>.</param>
/// <param name="JitMethodsInUnmeasuredBurst">Methods the JIT compiled during the unmeasured burst.</param>
public sealed record WarmUpSummary(int Rounds, int Alerts, long JitMethodsInLastRound, long JitMethodsInUnmeasuredBurst);

public sealed record MemorySummary(double RssMb, double ManagedHeapMb, double GcCommittedMb, bool ServerGc, string GcLatencyMode);

public sealed record WebhookPostSummary(int Posts, int BodyBytes, int Parallelism, double RawPerSecond);

public sealed record BenchMachine(int Processors, string Os, string Runtime, [property: JsonPropertyName("serverGc")] bool ServerGc);

public sealed record StageTimingsSummary(
    IReadOnlyDictionary<string, StageSummary> Throughput, IReadOnlyDictionary<string, StageSummary> Latency);

public sealed record BenchSettings(int Alerts, double Rate, double DurationSeconds, int Feeds, int AlertFeeds, string Broker, string Store);
