using System.Text.Json;
using OutageAlerts.IntegrationTests.Infrastructure;

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
            ["bench", "pipeline", "--json", "--alerts", "40", "--feeds", "40", "--alert-feeds", "4", "--rate", "20", "--duration", "2s", "--warm-up-rounds", "2"],
            settings: new Dictionary<string, string?> { ["ConnectionStrings:RabbitMq"] = broker.ConnectionString });

        Assert.True(exit == 0, $"exit {exit}\n{stderr}\n{stdout}");
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;

        var alertsPerSecond = Positive(root, "alertsPerSecond");
        var rawPerSecond = Positive(root, "rawRabbitMqPerSecond");
        var ratio = Positive(root, "ratio");
        Assert.Equal(alertsPerSecond / rawPerSecond, ratio, tolerance: 0.001 + (0.01 * ratio));

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
        var throughput = root.GetProperty("throughput");
        Assert.Equal(40, throughput.GetProperty("delivered").GetInt32());
        Assert.Equal(40, throughput.GetProperty("distinctAlertIds").GetInt32());
        Assert.Equal(40, root.GetProperty("rawRabbitMq").GetProperty("messages").GetInt32());
        Assert.True(throughput.GetProperty("jitMethods").GetInt64() >= 0);
        var steps = root.GetProperty("latencyBreakdown").EnumerateObject().ToList();
        Assert.Equal(5, steps.Count);
        Assert.All(steps, step => Assert.InRange(step.Value.GetProperty("count").GetInt32(), 1, 40));
        Assert.True(steps.Sum(step => step.Value.GetProperty("meanMs").GetDouble()) <= (latency.GetProperty("mean").GetDouble() * 1.2) + 5,
            "the steps of one alert's path cannot add up to more than its fetch-to-webhook time");
        var warmUp = root.GetProperty("warmUp");
        Assert.InRange(warmUp.GetProperty("rounds").GetInt32(), 1, 2);
        Assert.Equal(warmUp.GetProperty("rounds").GetInt32() * 100, warmUp.GetProperty("alerts").GetInt32());
        Assert.True(root.GetProperty("complete").GetBoolean());
        Assert.Empty(root.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task BenchPipeline_NoBrokerConfigured_FailsNamingTheKey()
    {
        var (exit, stdout, stderr) = await Executable.RunAsync(["bench", "pipeline", "--json", "--alerts", "5", "--feeds", "5"]);

        Assert.Equal(2, exit);
        Assert.Empty(stdout.Trim());
        Assert.Contains("ConnectionStrings:RabbitMq", stderr, StringComparison.Ordinal);
    }

    private static double Positive(JsonElement parent, string name)
    {
        var value = parent.GetProperty(name).GetDouble();
        Assert.True(value > 0, $"{name} = {value}");
        return value;
    }
}
