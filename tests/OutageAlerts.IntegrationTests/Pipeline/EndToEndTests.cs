using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OutageAlerts.Delivery;
using OutageAlerts.Host;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.Storage;
using OutageAlerts.Testing;

namespace OutageAlerts.IntegrationTests.Pipeline;

/// <summary>A strike in a feed reaches a webhook, an inbox and a phone, over real RabbitMQ, SMTP and HTTP.</summary>
[Collection(PipelineTests.Name)]
public sealed class EndToEndTests
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);

    // Long enough for several 1-second poll cycles and the bus to drain, so a duplicate would have shown up.
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(4);

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task Run_StrikeItemsInFeeds_ReachEachMatchingChannelOnceAndUnrelatedNewsReachesNone(StoreProvider store)
    {
        await using var env = await PipelineEnvironment.StartAsync(store);
        var expectedWebhooks = Expected(Expect.Webhook);
        var expectedEmails = Expected(Expect.Email);
        var expectedSms = Expected(Expect.Sms);

        await using (var host = env.BuildHost(ServiceRoles.All))
        {
            await host.StartAsync();
            await env.Webhooks.WaitForAsync(expectedWebhooks.Count, DeliveryTimeout);
            await env.Smtp.WaitForAsync(expectedEmails.Count, DeliveryTimeout);
            await env.Sms.WaitForAsync(expectedSms.Count, DeliveryTimeout);
            await Task.Delay(QuietPeriod);
            await host.StopAsync();
        }

        var webhooks = env.Webhooks.Requests.Select(Webhook.From).ToList();
        Assert.All(webhooks, w => Assert.True(w.SignatureIsValid, $"bad signature on {w.Id}"));
        Assert.Equal(expectedWebhooks.Order(), webhooks.Select(w => w.ItemId).Order());
        Assert.Equal(webhooks.Count, webhooks.Select(w => w.Id).Distinct().Count());
        Assert.All(webhooks, w => Assert.Equal("alert.raised", w.Type));

        // The trace that fetched the feed continues through RabbitMQ to the webhook (W3C traceparent on both).
        var extreme = env.Webhooks.Requests.Single(r => Webhook.From(r).ItemId == "en-1");
        var feedTraces = env.Feeds.Requests.Where(r => r.Path == "/feeds/en.xml").Select(r => TraceId(r.Header("traceparent"))).ToHashSet();
        Assert.Contains(TraceId(extreme.Header("traceparent")), feedTraces);

        var emails = env.Smtp.Messages;
        Assert.Equal(expectedEmails.Count, emails.Count);
        Assert.All(emails, m => Assert.Equal(PipelineEnvironment.EmailRecipient, m.To.Mailboxes.Single().Address));
        Assert.All(emails, m => Assert.NotNull(m.HtmlBody));
        Assert.All(emails, m => Assert.NotNull(m.TextBody));
        Assert.All(emails, m => Assert.Matches(@"^\[(SEVERE|EXTREME)\] ", m.Subject));

        var sms = env.Sms.Requests;
        Assert.Equal(expectedSms.Count, sms.Count);
        var form = System.Web.HttpUtility.ParseQueryString(sms[0].BodyText);
        Assert.Equal($"/2010-04-01/Accounts/{PipelineEnvironment.SmsAccountSid}/Messages.json", sms[0].Path);
        Assert.Equal(PipelineEnvironment.SmsRecipient, form["To"]);
        Assert.False(string.IsNullOrWhiteSpace(form["Body"]));
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{PipelineEnvironment.SmsAccountSid}:{PipelineEnvironment.SmsAuthToken}"));
        Assert.Equal("Basic " + basic, sms[0].Header("Authorization"));
    }

    [Fact]
    public async Task Run_RestartedOnTheSameStore_DoesNotAlertTwiceOnTheSameItems()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        var expected = Expected(Expect.Webhook).Count;

        await using (var first = env.BuildHost(ServiceRoles.All))
        {
            await first.StartAsync();
            await env.Webhooks.WaitForAsync(expected, DeliveryTimeout);
            await first.StopAsync();
        }

        var pollsBefore = env.Feeds.Requests.Count;
        await using (var second = env.BuildHost(ServiceRoles.All))
        {
            await second.StartAsync();
            // The restarted service must have polled every feed again before "nothing new" means anything.
            await env.Feeds.WaitForAsync(pollsBefore + 6, DeliveryTimeout);
            await Task.Delay(QuietPeriod);
            await second.StopAsync();
        }

        Assert.Equal(expected, env.Webhooks.Requests.Count);
    }

    [Fact]
    public async Task RunIngestionAlone_DeliveryStartsLater_AlertsPublishedMeanwhileAreDelivered()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        var expected = Expected(Expect.Webhook);

        await using (var ingestion = env.BuildHost(ServiceRoles.Ingestion))
        {
            await ingestion.StartAsync();
            var waiting = await env.Broker.WaitForQueueDepthAsync(DeliveryQueues.AlertRouting, expected.Count, DeliveryTimeout);
            await ingestion.StopAsync();
            Assert.Equal(expected.Count, waiting);
        }

        Assert.Empty(env.Webhooks.Requests);

        await using (var delivery = env.BuildHost(ServiceRoles.Delivery))
        {
            await delivery.StartAsync();
            await env.Webhooks.WaitForAsync(expected.Count, DeliveryTimeout);
            await Task.Delay(QuietPeriod);
            await delivery.StopAsync();
        }

        Assert.Equal(expected.Order(), env.Webhooks.Requests.Select(r => Webhook.From(r).ItemId).Order());
    }

    private static string? TraceId(string? traceparent) => traceparent?.Split('-') is [_, var traceId, _, _] ? traceId : null;

    private static List<string> Expected(Expect channel) =>
        [.. TestFeeds.All.Where(i => i.Expect.HasFlag(channel)).Select(i => i.ItemId)];

    /// <summary>A received webhook, checked with an independent Standard Webhooks v1 verification.</summary>
    private sealed record Webhook(string Id, string Type, string ItemId, bool SignatureIsValid)
    {
        public static Webhook From(ReceivedRequest request)
        {
            var id = request.Header("webhook-id") ?? "";
            var timestamp = request.Header("webhook-timestamp") ?? "";
            var signatures = (request.Header("webhook-signature") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var key = Convert.FromBase64String(PipelineEnvironment.WebhookSecret["whsec_".Length..]);
            var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{request.BodyText}")));

            using var body = JsonDocument.Parse(request.Body);
            var root = body.RootElement;
            var itemId = root.GetProperty("data").GetProperty("sources")[0].GetProperty("itemId").GetString() ?? "";
            return new Webhook(id, root.GetProperty("type").GetString() ?? "", itemId, signatures.Contains(expected));
        }
    }
}
