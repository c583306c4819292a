using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OutageAlerts.Host.Benchmarking;
using OutageAlerts.IntegrationTests.Faults;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.IntegrationTests.Pipeline;
using OutageAlerts.Storage;
using OutageAlerts.Testing;
using Xunit.Abstractions;

namespace OutageAlerts.IntegrationTests.ScaleOut;

/// <summary>
/// Issue 9's acceptance scenario: two ingestion and two delivery processes of the real executable over RabbitMQ and
/// one PostgreSQL database, with thirty local feeds polled every two seconds through the clustered Quartz job store.
/// Every alert version reaches each subscription once, no feed is fetched by both ingestion processes in one interval,
/// and when one ingestion process is killed with SIGKILL the other polls every feed and new items still alert.
/// Each ingestion process sends its own User-Agent, so the feed server can tell them apart.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    private const int FeedCount = 30;
    private const int StrikesBeforeKill = 10;
    private const int StrikesAfterKill = 10;
    private const string AgentA = "OutageAlerts-ScaleOut/ingestion-a";
    private const string AgentB = "OutageAlerts-ScaleOut/ingestion-b";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ObservedPolling = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task Run_TwoIngestionAndTwoDeliveryProcesses_EachFeedPolledOncePerIntervalEachVersionDeliveredOnceAndSurvivesSigkill()
    {
        await using var env = await PipelineEnvironment.StartAsync(StoreProvider.Postgres);
        var anchor = DateTimeOffset.UtcNow;
        var strikes = Enumerable.Range(0, StrikesBeforeKill + StrikesAfterKill).Select(i => BenchItems.Strike("scale", i, anchor)).ToList();
        var documents = new ConcurrentDictionary<int, byte[]>();
        for (var feed = 0; feed < FeedCount; feed++)
        {
            documents[feed] = Document(feed, feed < StrikesBeforeKill ? strikes[feed] : null, anchor);
        }

        var fetches = new ConcurrentQueue<Fetch>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var feeds = await LocalHttpServer.StartAsync(async (request, context) =>
        {
            if (!TryFeedIndex(request.Path, out var feed) || !documents.TryGetValue(feed, out var body))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            fetches.Enqueue(new Fetch(feed, clock.Elapsed, request.Header("User-Agent") ?? ""));
            context.Response.ContentType = "application/rss+xml; charset=utf-8";
            await context.Response.Body.WriteAsync(body);
        });

        var settings = Settings(env, feeds);
        var processes = new List<ServiceProcess>();
        var killed = "";
        TimeSpan killedAt;
        TimeSpan takeover;
        var takenOver = false;
        try
        {
            processes.Add(Start("ingestion-a", "ingestion", settings, AgentA));
            // The second replica joins a running cluster, as in a rolling start (see docs/scale-out.md: two replicas
            // starting within the same second can both poll a feed once at start).
            Assert.True(await WaitAsync(() => !fetches.IsEmpty, Timeout), $"ingestion-a never polled\n{processes[0].Output}");
            processes.Add(Start("ingestion-b", "ingestion", settings, AgentB));
            processes.Add(Start("delivery-a", "delivery", settings, null));
            processes.Add(Start("delivery-b", "delivery", settings, null));

            await env.Webhooks.WaitForAsync(StrikesBeforeKill, Timeout);
            await Task.Delay(ObservedPolling);

            await processes[0].KillAsync();
            killedAt = clock.Elapsed;
            killed = processes[0].Output;
            for (var i = StrikesBeforeKill; i < strikes.Count; i++)
            {
                documents[i] = Document(i, strikes[i], anchor);
            }

            await env.Webhooks.WaitForAsync(strikes.Count, Timeout);
            // Every feed, also those the killed process had acquired or was polling, is taken over once the cluster
            // has found it dead; whatever would arrive twice arrives meanwhile.
            takenOver = await WaitAsync(() => fetches.Where(f => f.At > killedAt && f.Agent == AgentB).Select(f => f.Feed).Distinct().Count() == FeedCount, Timeout);
            takeover = clock.Elapsed - killedAt;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }

        var logs = killed + string.Concat(processes.Skip(1).Select(p => p.Output));
        var observed = fetches.ToList();
        output.WriteLine(string.Join('\n', logs.Split('\n').Where(l =>
            l.Contains("synchronised", StringComparison.Ordinal) || l.Contains("ecover", StringComparison.Ordinal) || l.Contains("isfire", StringComparison.Ordinal))));
        output.WriteLine(Summary(observed, killedAt) + string.Create(CultureInfo.InvariantCulture, $"; every feed polled by b {takeover.TotalSeconds:0.0} s after the kill: {takenOver}"));

        // Delivery: every strike alerted, each alert version once per subscription.
        var webhooks = env.Webhooks.Requests
            .Select(r => (Id: r.Header("webhook-id")!, Data: JsonDocument.Parse(r.BodyText).RootElement.GetProperty("data")))
            .Select(r => (r.Id, AlertId: r.Data.GetProperty("alertId").GetString()!, Version: r.Data.GetProperty("version").GetInt32(),
                Items: r.Data.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("itemId").GetString()!).ToList()))
            .ToList();
        var arrived = webhooks.SelectMany(w => w.Items).ToHashSet(StringComparer.Ordinal);
        var lost = strikes.Select(s => s.Id).Where(id => !arrived.Contains(id)).ToList();
        Assert.True(lost.Count == 0, $"never alerted: {string.Join(", ", lost)}\n{Tail(logs)}");
        Assert.Equal(webhooks.Count, webhooks.Select(w => w.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(webhooks.Count, webhooks.Select(w => (w.AlertId, w.Version)).Distinct().Count());
        var emails = env.Smtp.Messages.Select(m => $"{m.Headers["X-OutageAlerts-Alert-Id"]} v{m.Headers["X-OutageAlerts-Version"]}").ToList();
        Assert.Equal(emails.Count, emails.Distinct(StringComparer.Ordinal).Count());

        // Polling: once per interval across both processes, never one poll from each within one interval.
        foreach (var feed in observed.GroupBy(f => f.Feed))
        {
            var times = feed.OrderBy(f => f.At).ToList();
            var intervals = (int)Math.Floor((times[^1].At - times[0].At) / Interval);
            Assert.True(times.Count <= intervals + 2,
                $"feed {feed.Key} fetched {times.Count} times over {intervals} intervals: {Timeline(times)}");
            // One poll fired by both processes arrives from each at about the same moment; consecutive polls that a
            // CPU-starved process ran late are at least the lateness apart, and the count above bounds those.
            var handovers = times.Zip(times.Skip(1)).Where(p => p.First.Agent != p.Second.Agent && p.Second.At - p.First.At < Interval / 4).ToList();
            Assert.True(handovers.Count == 0, $"feed {feed.Key} fetched by both ingestion processes within one interval: {Timeline(times)}");
        }

        // After the kill the surviving process polls every feed, including those the killed one had.
        var afterKill = observed.Where(f => f.At > killedAt).ToList();
        Assert.DoesNotContain(afterKill, f => f.Agent == AgentA);
        var unpolled = Enumerable.Range(0, FeedCount).Where(feed => !afterKill.Any(f => f.Feed == feed && f.Agent == AgentB)).ToList();
        var recovery = string.Join('\n', logs.Split('\n').Where(l => l.Contains("ecover", StringComparison.Ordinal) || l.Contains("ClusterManager", StringComparison.Ordinal)));
        Assert.True(unpolled.Count == 0, $"not polled after the kill: {string.Join(", ", unpolled)}\n{recovery}");
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        return condition();
    }

    private static ServiceProcess Start(string name, string role, Dictionary<string, string?> settings, string? agent)
    {
        var own = new Dictionary<string, string?>(settings);
        if (agent is not null)
        {
            own["OutageAlerts:FeedFetching:UserAgent"] = agent;
        }

        return ServiceProcess.Start(name, role, own, Directory.CreateTempSubdirectory($"outage-alerts-{name}-").FullName);
    }

    private static Dictionary<string, string?> Settings(PipelineEnvironment env, LocalHttpServer feeds)
    {
        var settings = env.Settings();
        foreach (var key in settings.Keys.Where(k => k.StartsWith("OutageAlerts:Feeds:", StringComparison.Ordinal)).ToList())
        {
            settings.Remove(key);
        }

        for (var feed = 0; feed < FeedCount; feed++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"OutageAlerts:Feeds:{feed}");
            settings[prefix + ":Name"] = string.Create(CultureInfo.InvariantCulture, $"scale-{feed:00}");
            settings[prefix + ":Url"] = feeds.Url(string.Create(CultureInfo.InvariantCulture, $"feeds/{feed}.xml")).AbsoluteUri;
            settings[prefix + ":Interval"] = Interval.ToString("c", CultureInfo.InvariantCulture);
        }

        // Store PostgreSQL, so the scheduler is the clustered one; quick check-ins so the killed process is found out fast.
        settings["OutageAlerts:Ingestion:Scheduler:CheckinInterval"] = "00:00:01";
        settings["OutageAlerts:Ingestion:Scheduler:CheckinMisfireThreshold"] = "00:00:03";
        settings["OutageAlerts:Sms:MaxPerSecond"] = "0";
        settings["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        return settings;
    }

    private static byte[] Document(int feed, BenchItem? strike, DateTimeOffset anchor)
    {
        var items = new List<BenchItem> { BenchItems.Calm(feed, 0, anchor), BenchItems.Calm(feed, 1, anchor) };
        if (strike is not null)
        {
            items.Insert(0, strike);
        }

        return BenchItems.Rss(string.Create(CultureInfo.InvariantCulture, $"Scale-out feed {feed}"), items);
    }

    private static bool TryFeedIndex(string path, out int feed)
    {
        feed = -1;
        return path.StartsWith("/feeds/", StringComparison.Ordinal) && path.EndsWith(".xml", StringComparison.Ordinal)
            && int.TryParse(path["/feeds/".Length..^".xml".Length], NumberStyles.None, CultureInfo.InvariantCulture, out feed);
    }

    private static string Timeline(IEnumerable<Fetch> times) =>
        string.Join(" ", times.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.At.TotalSeconds:0.00}{(t.Agent == AgentA ? "a" : t.Agent == AgentB ? "b" : "?")}")));

    private static string Summary(IReadOnlyList<Fetch> fetches, TimeSpan killedAt) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{fetches.Count} fetches; before the kill at {killedAt.TotalSeconds:0.0} s: {fetches.Count(f => f.At <= killedAt && f.Agent == AgentA)} by a, " +
            $"{fetches.Count(f => f.At <= killedAt && f.Agent == AgentB)} by b; after: {fetches.Count(f => f.At > killedAt && f.Agent == AgentB)} by b");

    private static string Tail(string logs) => logs.Length > 20_000 ? logs[^20_000..] : logs;

    private sealed record Fetch(int Feed, TimeSpan At, string Agent);
}
