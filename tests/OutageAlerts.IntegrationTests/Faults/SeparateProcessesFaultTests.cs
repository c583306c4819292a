using System.Globalization;
using System.Text.Json;
using OutageAlerts.Host.Benchmarking;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.IntegrationTests.Pipeline;
using Xunit.Abstractions;

namespace OutageAlerts.IntegrationTests.Faults;

/// <summary>
/// Issue 7's acceptance scenario: ingestion and delivery as separate processes over RabbitMQ, in one working
/// directory so they share the embedded SQLite file. Ingestion runs alone first and publishes; delivery starts
/// later; the broker restarts in the middle of a stream of new items; delivery is killed once with SIGKILL.
/// Every alert the feeds call for must arrive, and no alert version may reach the webhook under two ids.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class SeparateProcessesFaultTests(ITestOutputHelper output)
{
    private const int StreamLength = 24;
    private const int PublishedBeforeDelivery = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan ItemGap = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task Run_IngestionFirstThenBrokerRestartAndDeliverySigkill_LosesNoAlertAndKeepsEveryWebhookId()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        var anchor = DateTimeOffset.UtcNow;
        var stream = Enumerable.Range(0, StreamLength)
            .Select(i => BenchItems.Strike("fault", i, anchor))
            .Select(b => new TestItem(b.Id, b.Title, b.Description, b.Published, Expect.Webhook | Expect.Email | Expect.Sms))
            .ToList();
        var expected = stream.Concat(TestFeeds.Ukrainian).Concat(TestFeeds.Russian)
            .Where(i => i.Expect.HasFlag(Expect.Webhook))
            .Select(i => i.ItemId)
            .ToHashSet(StringComparer.Ordinal);
        var settings = env.Settings();
        // The embedded default store: data/outage-alerts.db in the working directory both processes share.
        settings.Remove("ConnectionStrings:OutageAlerts");
        settings.Remove("OutageAlerts:Store:Provider");
        settings["OutageAlerts:Sms:MaxPerSecond"] = "0";
        // Each process its own free port for health and metrics; both would take 5000 otherwise.
        settings["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        var workingDirectory = Directory.CreateTempSubdirectory("outage-alerts-faults-");
        var faults = 0;
        ServiceProcess? ingestion = null;
        ServiceProcess? delivery = null;
        var stopped = new List<string>();
        try
        {
            env.ServeEnglish(stream.Take(PublishedBeforeDelivery));
            ingestion = ServiceProcess.Start("ingestion", "ingestion", settings, workingDirectory.FullName);
            var waiting = PublishedBeforeDelivery + TestFeeds.Ukrainian.Concat(TestFeeds.Russian).Count(i => i.Expect.HasFlag(Expect.Webhook));
            var depth = await env.Broker.WaitForQueueDepthAsync("alert-routing", waiting, Timeout);
            Assert.True(depth >= waiting, $"only {depth} of {waiting} alerts waited in alert-routing\n{ingestion.Output}");
            Assert.Empty(env.Webhooks.Requests);

            delivery = ServiceProcess.Start("delivery", "delivery", settings, workingDirectory.FullName);
            await env.Webhooks.WaitForAsync(waiting, Timeout);

            for (var served = PublishedBeforeDelivery + 1; served <= StreamLength; served++)
            {
                env.ServeEnglish(stream.Take(served));
                await Task.Delay(ItemGap);
                if (served == 10)
                {
                    await RabbitMqNode.StopAsync();
                    faults++;
                    await Task.Delay(TimeSpan.FromSeconds(3));
                    await RabbitMqNode.StartAsync();
                }

                if (served == 17)
                {
                    await delivery.KillAsync();
                    faults++;
                    stopped.Add(delivery.Output);
                    await delivery.DisposeAsync();
                    delivery = ServiceProcess.Start("delivery-2", "delivery", settings, workingDirectory.FullName);
                }
            }

            await env.Webhooks.WaitForAsync(expected.Count, Timeout, r => r.Path.EndsWith("/hooks/outage", StringComparison.Ordinal));
            // An email the killed process was in the middle of sending stays leased to it for the attempt lease (one
            // minute); the new process sends it once the lease ran out, which can be well after the last webhook.
            var emailDeadline = DateTime.UtcNow + Timeout;
            while (EmailedAlerts(env) < ExpectedEmails(stream) && DateTime.UtcNow < emailDeadline)
            {
                await Task.Delay(200);
            }

            // Whatever would arrive twice arrives within a few seconds of the last one.
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            if (delivery is not null)
            {
                await delivery.DisposeAsync();
            }

            if (ingestion is not null)
            {
                await ingestion.DisposeAsync();
            }
        }

        var webhooks = env.Webhooks.Requests
            .Select(r => (Id: r.Header("webhook-id")!, Data: JsonDocument.Parse(r.BodyText).RootElement.GetProperty("data")))
            .Select(r => (r.Id, AlertId: r.Data.GetProperty("alertId").GetString()!, Version: r.Data.GetProperty("version").GetInt32(),
                ItemIds: r.Data.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("itemId").GetString()!).ToList()))
            .ToList();
        var arrived = webhooks.SelectMany(w => w.ItemIds).ToHashSet(StringComparer.Ordinal);
        var lost = expected.Where(id => !arrived.Contains(id)).Order(StringComparer.Ordinal).ToList();
        var idsPerVersion = webhooks.GroupBy(w => (w.AlertId, w.Version)).Where(g => g.Select(w => w.Id).Distinct().Count() > 1).ToList();
        var duplicates = webhooks.Count - webhooks.Select(w => w.Id).Distinct().Count();
        var emails = env.Smtp.Messages
            .Select(m => $"{m.Headers["X-OutageAlerts-Alert-Id"]} v{m.Headers["X-OutageAlerts-Version"]}")
            .ToList();
        var emailDuplicates = emails.Count - emails.Distinct(StringComparer.Ordinal).Count();
        var table = FaultSummary.Record(new FaultRow(
            "separate processes on one SQLite file: ingestion first, broker restart mid-stream, delivery SIGKILL",
            faults,
            expected.Count,
            arrived.Count(expected.Contains),
            duplicates,
            lost.Count,
            string.Create(CultureInfo.InvariantCulture, $"{webhooks.Count} webhooks, {emails.Count} emails ({emailDuplicates} repeated), {env.Sms.Requests.Count} SMS")));
        output.WriteLine(table);

        var logs = string.Join('\n', stopped) + (delivery?.Output ?? "") + (ingestion?.Output ?? "");
        Assert.True(lost.Count == 0, $"lost: {string.Join(", ", lost)}\n{logs}");
        Assert.True(idsPerVersion.Count == 0, $"alert versions under several webhook-ids: {string.Join(", ", idsPerVersion.Select(g => g.Key))}");
        var expectedEmails = ExpectedEmails(stream);
        var emailedAlerts = EmailedAlerts(env);
        Assert.True(emailedAlerts == expectedEmails, $"{emailedAlerts} alerts emailed, {expectedEmails} expected\n{logs}");
    }

    private static int ExpectedEmails(IEnumerable<TestItem> stream) =>
        stream.Concat(TestFeeds.Ukrainian).Concat(TestFeeds.Russian).Count(i => i.Expect.HasFlag(Expect.Email));

    private static int EmailedAlerts(PipelineEnvironment env) =>
        env.Smtp.Messages.Select(m => m.Headers["X-OutageAlerts-Alert-Id"]).Distinct(StringComparer.Ordinal).Count();
}
