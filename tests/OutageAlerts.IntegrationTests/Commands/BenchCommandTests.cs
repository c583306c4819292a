using System.Text.Json;
using OutageAlerts.Delivery;
using OutageAlerts.Host.Benchmarking;
using OutageAlerts.Host.Memory;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.Testing;

namespace OutageAlerts.IntegrationTests.Commands;

/// <summary>
/// The load harness (DESIGN.md contract 6) run as an operator runs it, with a tiny load on a throw-away virtual host.
/// Only the shape and the internal consistency of its figures are checked; what they are worth is for
/// docs/performance.md, not for a test on a shared machine.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class BenchCommandTests
{
    [Fact]
    public async Task BenchPipeline_TinyLoadWithJson_PrintsEveryContractFigureConsistently()
    {
        await using var broker = await RabbitMqVirtualHost.CreateAsync();

        var (exit, stdout, stderr) = await Executable.RunAsync(
            ["bench", "pipeline", "--json", "--alerts", "40", "--feeds", "40", "--alert-feeds", "4", "--rate", "20", "--duration", "2s", "--warm-up-rounds", "2", "--open-incidents", "300"],
            settings: new Dictionary<string, string?>
            {
                ["ConnectionStrings:RabbitMq"] = broker.ConnectionString,
                // The service alone inherits these: checked every 2 s, and any spare memory is worth a trim, so it
                // trims within its 20 s of settling, quiet after its start.
                [$"{MemoryOptions.SectionName}:CheckInterval"] = "00:00:02",
                [$"{MemoryOptions.SectionName}:TrimThresholdBytes"] = "0",
            });

        Assert.True(exit == 0, $"exit {exit}\n{stderr}\n{stdout}");
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;

        var alertsPerSecond = Positive(root, "alertsPerSecond");
        var rawPerSecond = Positive(root, "rawRabbitMqPerSecond");
        var ratio = Positive(root, "ratio");
        Assert.Equal(alertsPerSecond / rawPerSecond, ratio, tolerance: 0.001 + (0.01 * ratio));

        var raw = root.GetProperty("rawRabbitMq");
        var pipelinedPerSecond = Positive(raw, "pipelinedPerSecond");
        Assert.True(raw.GetProperty("pipelinedWindow").GetInt32() >= 1);
        Assert.Equal(40 / Positive(raw, "pipelinedSeconds"), pipelinedPerSecond, tolerance: 0.05 + (0.001 * pipelinedPerSecond));
        var pipelinedRatio = Positive(root, "pipelinedRatio");
        Assert.Equal(alertsPerSecond / pipelinedPerSecond, pipelinedRatio, tolerance: 0.001 + (0.01 * pipelinedRatio));
        AssertLoad(raw.GetProperty("machine"));
        AssertLoad(raw.GetProperty("pipelinedMachine"));

        var latency = root.GetProperty("fetchToWebhookMs");
        var p50 = Positive(latency, "p50");
        var p95 = Positive(latency, "p95");
        var p99 = Positive(latency, "p99");
        Assert.True(p50 <= p95 && p95 <= p99, $"p50 {p50}, p95 {p95}, p99 {p99}");
        Assert.Equal(40, latency.GetProperty("count").GetInt32());

        var cycle = root.GetProperty("pollCycle");
        Assert.Equal(40, cycle.GetProperty("feeds").GetInt32());
        var seconds = Positive(cycle, "seconds");
        var rawSeconds = Positive(cycle, "rawSeconds");
        Assert.Equal(seconds / rawSeconds, Positive(cycle, "ratio"), tolerance: 0.01 * (seconds / rawSeconds) + 0.001);
        Assert.Equal(0, cycle.GetProperty("failed").GetInt32());
        Assert.True(cycle.GetProperty("notModified").GetInt32() > 0, "the stored validators should make most feeds answer 304");

        Positive(root, "rssMb");
        // Memory is read with the incidents open, after new reports went through the pipeline against them.
        var open = root.GetProperty("openIncidents");
        Assert.Equal(300, open.GetProperty("seeded").GetInt32());
        Positive(open, "seedSeconds");
        Assert.Equal(OpenIncidentsProbe.Probes, open.GetProperty("probes").GetInt32());
        Assert.Equal(OpenIncidentsProbe.Probes, open.GetProperty("probesDelivered").GetInt32());
        Assert.All(open.GetProperty("probeFetchToWebhookMs").EnumerateArray(), ms => Assert.True(ms.GetDouble() > 0));
        Assert.Equal(OpenIncidentsProbe.Probes, open.GetProperty("probeFetchToWebhookMs").GetArrayLength());

        // The service restarted alone on the run's store: every feed polled, a new report correlated against the
        // open incidents and delivered, its own process's memory read.
        var alone = root.GetProperty("serviceAlone");
        Assert.Equal(48, alone.GetProperty("feeds").GetInt32());
        Assert.Equal(40, alone.GetProperty("feedsPolled").GetInt32());
        Assert.Equal(300, alone.GetProperty("openIncidentsSeeded").GetInt32());
        Assert.True(alone.GetProperty("probeDelivered").GetBoolean(), alone.ToString());
        var aloneRss = Positive(alone, "rssMb");
        Assert.True(Positive(alone, "peakRssMb") >= aloneRss, alone.ToString());
        Positive(alone, "readySeconds");
        Assert.True(Positive(alone, "readyRssMb") <= Positive(alone, "peakRssMb"), alone.ToString());
        Assert.Equal(ServiceAloneProbe.Settle.TotalSeconds, Positive(alone, "settleSeconds"));
        // At most one a minute; counted from its log, which the harness otherwise keeps at warnings.
        Assert.InRange(alone.GetProperty("quietTrims").GetInt32(), 1, 2);
        Positive(alone, "quietTrimMaxPauseMs");
        var throughput = root.GetProperty("throughput");
        Assert.Equal(40, throughput.GetProperty("delivered").GetInt32());
        Assert.Equal(40, throughput.GetProperty("distinctAlertIds").GetInt32());
        Assert.Equal(40, root.GetProperty("rawRabbitMq").GetProperty("messages").GetInt32());
        Assert.True(throughput.GetProperty("jitMethods").GetInt64() >= 0);
        AssertLoad(throughput.GetProperty("machine"));

        // Every alert of the burst is processed, routed and delivered once, each in some bucket of 250 ms from the release.
        var timeline = throughput.GetProperty("timeline").EnumerateArray().ToList();
        Assert.NotEmpty(timeline);
        Assert.Equal(Enumerable.Range(0, timeline.Count).Select(i => i * 250), timeline.Select(b => b.GetProperty("atMs").GetInt32()));
        Assert.Equal(40, timeline.Sum(b => b.GetProperty("itemsProcessed").GetInt32()));
        Assert.Equal(40, timeline.Sum(b => b.GetProperty("routed").GetInt32()));
        Assert.Equal(40, timeline.Sum(b => b.GetProperty("delivered").GetInt32()));
        var steps = root.GetProperty("latencyBreakdown").EnumerateObject().ToList();
        Assert.Equal(5, steps.Count);
        Assert.All(steps, step => Assert.InRange(step.Value.GetProperty("count").GetInt32(), 1, 40));
        Assert.True(steps.Sum(step => step.Value.GetProperty("meanMs").GetDouble()) <= (latency.GetProperty("mean").GetDouble() * 1.2) + 5,
            "the steps of one alert's path cannot add up to more than its fetch-to-webhook time");
        var warmUp = root.GetProperty("warmUp");
        Assert.InRange(warmUp.GetProperty("rounds").GetInt32(), 1, 2);
        // The rounds of 100 and one unmeasured burst of the measured size (--alerts 40) through the measured path.
        Assert.Equal((warmUp.GetProperty("rounds").GetInt32() * 100) + 40, warmUp.GetProperty("alerts").GetInt32());
        Assert.True(warmUp.GetProperty("jitMethodsInUnmeasuredBurst").GetInt64() >= 0);
        Assert.True(root.GetProperty("complete").GetBoolean());
        Assert.Empty(root.GetProperty("problems").EnumerateArray());
        Positive(throughput, "allocatedKbPerAlert");
        Assert.True(throughput.GetProperty("gcCollections").GetInt32() >= 0);
        var gcPauseMs = throughput.GetProperty("gcPauseMs").GetDouble();
        // Paused time lies within the phase: from the release of the alerts to the last webhook.
        Assert.InRange(gcPauseMs, 0, throughput.GetProperty("machine").GetProperty("seconds").GetDouble() * 1000);

        // Five bursts, the median reported: the rate is the middle one of the rounds' rates.
        var rounds = throughput.GetProperty("roundsAlertsPerSecond").EnumerateArray().Select(r => r.GetDouble()).ToList();
        Assert.Equal(PipelineBench.ThroughputRounds, rounds.Count);
        Assert.All(rounds, r => Assert.True(r > 0));
        Assert.Equal(rounds.Order().ElementAt(rounds.Count / 2), alertsPerSecond);
        // As many raw rounds, run between the service's, and the raw rate is theirs by the same rule.
        var rawRounds = root.GetProperty("rawRabbitMq").GetProperty("roundsPerSecond").EnumerateArray().Select(r => r.GetDouble()).ToList();
        Assert.Equal(PipelineBench.ThroughputRounds, rawRounds.Count);
        Assert.All(rawRounds, r => Assert.True(r > 0));
        Assert.Equal(rawRounds.Order().ElementAt(rawRounds.Count / 2), rawPerSecond, tolerance: 0.15);

        // Every alert went through the one SQLite writer: its correlation, its routing and its delivery were written.
        var writer = throughput.GetProperty("storeWriter");
        var commits = writer.GetProperty("commits").GetInt32();
        Assert.InRange(commits, 1, writer.GetProperty("writes").GetInt32());
        Assert.True(writer.GetProperty("writes").GetInt32() >= 40, "at least one write per alert");
        Positive(writer, "busyMs");
        Positive(writer, "busyShare");
        if (KernelCountsThreadWrites())
        {
            // Every commit writes its pages to the WAL from the writer's thread; /proc counts them.
            var walKb = Positive(writer, "walKb");
            Assert.Equal(walKb / 40, Positive(writer, "walKbPerAlert"), tolerance: 0.01);
            Assert.True(writer.GetProperty("checkpointKb").GetDouble() >= 0);
        }
        else
        {
            // Off Linux, or a kernel (or sandbox) without per-thread I/O accounting: left out (or the zero such a
            // sandbox reports), not made up.
            Assert.True(
                !writer.TryGetProperty("walKb", out var wal) || wal.ValueKind == JsonValueKind.Null || wal.GetDouble() == 0,
                writer.ToString());
        }

        // MassTransit's two hops alone, measured with the same alert, count, prefetch and window, and cleaned up after.
        var floor = root.GetProperty("massTransitFloor");
        Assert.Equal(40, floor.GetProperty("messages").GetInt32());
        Assert.Equal(4, floor.GetProperty("senders").GetInt32());
        // One second-hop message per batch: at least one, at most one per alert.
        Assert.InRange(floor.GetProperty("secondHopMessages").GetInt32(), 1, 40);
        Assert.Equal(DeliveryOptions.DefaultRoutingBatchSize, floor.GetProperty("batchSize").GetInt32());
        var floorPerSecond = Positive(floor, "messagesPerSecond");
        Assert.Equal(40 / Positive(floor, "seconds"), floorPerSecond, tolerance: 0.05 + (0.001 * floorPerSecond));
        Positive(floor, "cpuMsPerMessage");
        Positive(floor, "allocatedKbPerMessage");
        AssertLoad(floor.GetProperty("machine"));
        var floorRatio = Positive(root, "floorRatio");
        Assert.Equal(floorPerSecond / rawPerSecond, floorRatio, tolerance: 0.001 + (0.01 * floorRatio));
        Assert.DoesNotContain(await broker.ListQueuesAndExchangesAsync(), name => name.StartsWith("bench-floor-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BenchPipeline_PostgresStore_DeliversEveryAlertAndDropsItsDatabase()
    {
        await using var broker = await RabbitMqVirtualHost.CreateAsync();
        var server = Environment.GetEnvironmentVariable(TestStore.PostgresVariable)
            ?? throw new InvalidOperationException($"{TestStore.PostgresVariable} is not set. Run the tests with ./test.sh, which starts PostgreSQL.");

        var (exit, stdout, stderr) = await Executable.RunAsync(
            ["bench", "pipeline", "--json", "--store", "postgres", "--alerts", "20", "--feeds", "20", "--alert-feeds", "2", "--rate", "10", "--duration", "2s", "--warm-up-rounds", "1", "--open-incidents", "50"],
            settings: new Dictionary<string, string?>
            {
                ["ConnectionStrings:RabbitMq"] = broker.ConnectionString,
                ["ConnectionStrings:OutageAlerts"] = server,
            });

        Assert.True(exit == 0, $"exit {exit}\n{stderr}\n{stdout}");
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.StartsWith("postgres ", root.GetProperty("settings").GetProperty("store").GetString(), StringComparison.Ordinal);
        Assert.Equal(20, root.GetProperty("throughput").GetProperty("delivered").GetInt32());
        Assert.Equal(20, root.GetProperty("fetchToWebhookMs").GetProperty("count").GetInt32());
        // No SQLite writer in this process: nothing committed through it, and no share of the phase to report.
        var writer = root.GetProperty("throughput").GetProperty("storeWriter");
        Assert.Equal(0, writer.GetProperty("commits").GetInt32());
        Assert.True(!writer.TryGetProperty("busyShare", out var share) || share.ValueKind == JsonValueKind.Null, writer.ToString());
        Assert.True(!writer.TryGetProperty("walKb", out var wal) || wal.ValueKind == JsonValueKind.Null, writer.ToString());
        Assert.Equal(50, root.GetProperty("openIncidents").GetProperty("seeded").GetInt32());
        Assert.Equal(OpenIncidentsProbe.Probes, root.GetProperty("openIncidents").GetProperty("probesDelivered").GetInt32());
        // Quartz's clustered store keeps the stopped service's triggers: no restart alone on PostgreSQL.
        Assert.True(!root.TryGetProperty("serviceAlone", out var alone) || alone.ValueKind == JsonValueKind.Null, alone.ToString());
        Assert.True(root.GetProperty("complete").GetBoolean());
        var database = System.Text.RegularExpressions.Regex.Match(stderr, "temporary PostgreSQL database (outage_alerts_bench_[0-9a-f]+)");
        Assert.True(database.Success, stderr);
        await using var connection = new Npgsql.NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var exists = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database.Groups[1].Value);
        Assert.Equal(0L, (long)(await exists.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task BenchPipeline_PostgresStoreWithoutItsConnectionString_FailsNamingTheKey()
    {
        await using var broker = await RabbitMqVirtualHost.CreateAsync();

        var (exit, stdout, stderr) = await Executable.RunAsync(
            ["bench", "pipeline", "--json", "--store", "postgres", "--alerts", "5", "--feeds", "5"],
            settings: new Dictionary<string, string?> { ["ConnectionStrings:RabbitMq"] = broker.ConnectionString });

        Assert.Equal(2, exit);
        Assert.Empty(stdout.Trim());
        Assert.Contains("--store postgres needs ConnectionStrings:OutageAlerts", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchPipeline_TooManyOpenIncidents_FailsNamingTheOption()
    {
        var (exit, stdout, stderr) = await Executable.RunAsync(["bench", "pipeline", "--json", "--open-incidents", "100001"]);

        Assert.Equal(2, exit);
        Assert.Empty(stdout.Trim());
        Assert.Contains("--open-incidents must be between 0 and 100000", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchPipeline_NoBrokerConfigured_FailsNamingTheKey()
    {
        var (exit, stdout, stderr) = await Executable.RunAsync(["bench", "pipeline", "--json", "--alerts", "5", "--feeds", "5"]);

        Assert.Equal(2, exit);
        Assert.Empty(stdout.Trim());
        Assert.Contains("ConnectionStrings:RabbitMq", stderr, StringComparison.Ordinal);
    }

    /// <summary>Null where /proc/stat cannot be read; otherwise non-negative, and the machine at least as busy as the rest of it.</summary>
    private static void AssertLoad(JsonElement load)
    {
        if (load.ValueKind == JsonValueKind.Null)
        {
            Assert.False(OperatingSystem.IsLinux(), "on Linux /proc/stat is readable, so the load should be there");
            return;
        }

        Positive(load, "seconds");
        var machine = load.GetProperty("machineBusyCores").GetDouble();
        var process = load.GetProperty("processCores").GetDouble();
        var other = load.GetProperty("otherCores").GetDouble();
        Assert.True(machine >= 0 && process >= 0 && other >= 0, $"machine {machine}, process {process}, other {other}");
        Assert.Equal(Math.Max(0, machine - process), other, tolerance: 0.0015);
        Assert.Equal(Environment.ProcessorCount, load.GetProperty("processors").GetInt32());
    }

    /// <summary>
    /// Whether this machine's kernel counts what each thread writes (<c>/proc/thread-self/io</c>), checked by writing
    /// from this thread: kernels built without task I/O accounting, and some sandboxes, have no such file or leave it
    /// at zero, and the harness then reports no WAL figures.
    /// </summary>
    private static bool KernelCountsThreadWrites()
    {
        const string io = "/proc/thread-self/io";
        if (!OperatingSystem.IsLinux() || !File.Exists(io))
        {
            return false;
        }

        static long Written() => File.ReadLines(io)
            .Where(line => line.StartsWith("wchar:", StringComparison.Ordinal))
            .Select(line => long.Parse(line.AsSpan("wchar:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();

        var path = Path.GetTempFileName();
        try
        {
            var before = Written();
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                file.Write(new byte[64 * 1024]);
            }

            return Written() - before >= 64 * 1024;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static double Positive(JsonElement parent, string name)
    {
        var value = parent.GetProperty(name).GetDouble();
        Assert.True(value > 0, $"{name} = {value}");
        return value;
    }
}
