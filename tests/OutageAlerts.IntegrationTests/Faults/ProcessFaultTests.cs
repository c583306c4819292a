using System.Globalization;
using System.Text.Json;
using OutageAlerts.Host;
using OutageAlerts.Host.Benchmarking;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.IntegrationTests.Pipeline;
using OutageAlerts.Storage;
using Xunit.Abstractions;

namespace OutageAlerts.IntegrationTests.Faults;

/// <summary>
/// The service's dependencies and its own processes failing while a stream of new feed items arrives: the broker
/// unreachable at start-up, the store unreachable for a while, ingestion killed with SIGKILL. Each test compares
/// what reached the webhook with what the feeds call for.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class ProcessFaultTests(ITestOutputHelper output)
{
    private const int StreamLength = 16;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ItemGap = TimeSpan.FromMilliseconds(300);

    private static List<TestItem> Stream(string run) =>
    [
        .. Enumerable.Range(0, StreamLength)
            .Select(i => BenchItems.Strike(run, i, DateTimeOffset.UtcNow))
            .Select(b => new TestItem(b.Id, b.Title, b.Description, b.Published, Expect.Webhook | Expect.Email | Expect.Sms)),
    ];

    private static HashSet<string> Expected(IEnumerable<TestItem> english) =>
        english.Concat(TestFeeds.Ukrainian).Concat(TestFeeds.Russian)
            .Where(i => i.Expect.HasFlag(Expect.Webhook)).Select(i => i.ItemId).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public async Task Run_BrokerUnreachableAtStartUpThenBack_DeliversEveryAlertOnce()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        var broker = new Uri(env.Broker.ConnectionString);
        await using var proxy = TcpFaultProxy.Start(broker.Port, up: false);
        var stream = Stream("broker-down");
        env.ServeEnglish(stream);
        var overrides = new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] = new UriBuilder(broker) { Port = proxy.Port }.Uri.AbsoluteUri,
            ["OutageAlerts:Sms:MaxPerSecond"] = "0",
        };

        await using var host = env.BuildHost(ServiceRoles.All, overrides);
        var starting = host.StartAsync();
        // Polls run and fail to publish while the broker cannot be reached; nothing may be marked seen meanwhile.
        await Task.Delay(TimeSpan.FromSeconds(6));
        var beforeBroker = env.Webhooks.Requests.Count;
        proxy.Restore();
        await starting;
        var expected = Expected(stream);
        await env.Webhooks.WaitForAsync(expected.Count, Timeout);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await host.StopAsync();

        var result = Compare(env, expected);
        Record("broker unreachable for the first 6 s after start-up", 1, expected, result, $"{beforeBroker} webhooks before the broker came back");
        Assert.Equal(0, beforeBroker);
        AssertNothingLostOrRenamed(result);
    }

    [Fact]
    public async Task Run_StoreUnreachableForAWhileMidStream_DeliversEveryAlertOnce()
    {
        await using var env = await PipelineEnvironment.StartAsync(StoreProvider.Postgres);
        await using var proxy = TcpFaultProxy.Start(5432);
        var stream = Stream("store-down");
        var overrides = new Dictionary<string, string?>
        {
            ["ConnectionStrings:OutageAlerts"] = ThroughProxy(env.Settings()["ConnectionStrings:OutageAlerts"]!, proxy.Port),
            ["OutageAlerts:Sms:MaxPerSecond"] = "0",
        };
        env.ServeEnglish(stream.Take(4));
        await using var host = env.BuildHost(ServiceRoles.All, overrides);
        await host.StartAsync();
        await env.Webhooks.WaitForAsync(Expected(stream.Take(4)).Count, Timeout);

        for (var served = 5; served <= StreamLength; served++)
        {
            env.ServeEnglish(stream.Take(served));
            await Task.Delay(ItemGap);
            if (served == 6)
            {
                proxy.Cut();
            }

            if (served == 12)
            {
                proxy.Restore();
            }
        }

        var expected = Expected(stream);
        await env.Webhooks.WaitForAsync(expected.Count, Timeout);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await host.StopAsync();

        var result = Compare(env, expected);
        Record("store (PostgreSQL) unreachable for ~2 s mid-stream", 1, expected, result, $"{proxy.Connections} store connections opened");
        AssertNothingLostOrRenamed(result);
    }

    [Fact]
    public async Task Run_IngestionKilledMidStreamAndRestarted_LosesNoAlertAndKeepsEveryWebhookId()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        var stream = Stream("ingestion-kill");
        var settings = env.Settings();
        settings.Remove("ConnectionStrings:OutageAlerts");
        settings.Remove("OutageAlerts:Store:Provider");
        settings["OutageAlerts:Sms:MaxPerSecond"] = "0";
        settings["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        var workingDirectory = Directory.CreateTempSubdirectory("outage-alerts-ingestion-kill-");
        var kills = 0;
        var logs = new List<string>();
        env.ServeEnglish(stream.Take(2));
        var delivery = ServiceProcess.Start("delivery", "delivery", settings, workingDirectory.FullName);
        var ingestion = ServiceProcess.Start("ingestion", "ingestion", settings, workingDirectory.FullName);
        try
        {
            await env.Webhooks.WaitForAsync(Expected(stream.Take(2)).Count, Timeout);
            // Several items at once, then the kill while the poll that found them publishes and confirms.
            foreach (var served in new[] { 8, 14 })
            {
                env.ServeEnglish(stream.Take(served));
                await Task.Delay(TimeSpan.FromMilliseconds(1200));
                await ingestion.KillAsync();
                kills++;
                logs.Add(ingestion.Output);
                await ingestion.DisposeAsync();
                ingestion = ServiceProcess.Start($"ingestion-{kills + 1}", "ingestion", settings, workingDirectory.FullName);
            }

            env.ServeEnglish(stream);
            await env.Webhooks.WaitForAsync(Expected(stream).Count, Timeout);
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            logs.Add(ingestion.Output);
            logs.Add(delivery.Output);
            await ingestion.DisposeAsync();
            await delivery.DisposeAsync();
            workingDirectory.Delete(recursive: true);
        }

        var expected = Expected(stream);
        var result = Compare(env, expected);
        Record("ingestion SIGKILLed twice while publishing new items", kills, expected, result, $"{result.Webhooks} webhooks");
        AssertNothingLostOrRenamed(result, string.Join('\n', logs));
    }

    private sealed record Outcome(int Webhooks, int Delivered, int Duplicates, List<string> Lost, List<string> Renamed);

    private static Outcome Compare(PipelineEnvironment env, HashSet<string> expected)
    {
        var webhooks = env.Webhooks.Requests
            .Select(r => (Id: r.Header("webhook-id")!, Data: JsonDocument.Parse(r.BodyText).RootElement.GetProperty("data")))
            .Select(r => (r.Id, Version: $"{r.Data.GetProperty("alertId").GetString()} v{r.Data.GetProperty("version").GetInt32()}",
                Items: r.Data.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("itemId").GetString()!).ToList()))
            .ToList();
        var arrived = webhooks.SelectMany(w => w.Items).ToHashSet(StringComparer.Ordinal);
        return new Outcome(
            webhooks.Count,
            expected.Count(arrived.Contains),
            webhooks.Count - webhooks.Select(w => w.Id).Distinct(StringComparer.Ordinal).Count(),
            [.. expected.Where(id => !arrived.Contains(id)).Order(StringComparer.Ordinal)],
            [.. webhooks.GroupBy(w => w.Version).Where(g => g.Select(w => w.Id).Distinct().Count() > 1).Select(g => g.Key)]);
    }

    private void Record(string fault, int injected, HashSet<string> expected, Outcome result, string figure) =>
        output.WriteLine(FaultSummary.Record(new FaultRow(fault, injected, expected.Count, result.Delivered, result.Duplicates, result.Lost.Count, figure)));

    private static void AssertNothingLostOrRenamed(Outcome result, string? logs = null)
    {
        Assert.True(result.Lost.Count == 0, $"lost: {string.Join(", ", result.Lost)}\n{logs}");
        Assert.True(result.Renamed.Count == 0, $"alert versions under several webhook-ids: {string.Join(", ", result.Renamed)}");
    }

    private static string ThroughProxy(string connectionString, int port)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("Port=", StringComparison.OrdinalIgnoreCase))
            .Append(string.Create(CultureInfo.InvariantCulture, $"Port={port}"));
        return string.Join(';', parts);
    }
}
