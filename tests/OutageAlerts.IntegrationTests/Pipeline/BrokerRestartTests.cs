using OutageAlerts.Host;
using OutageAlerts.IntegrationTests.Infrastructure;

namespace OutageAlerts.IntegrationTests.Pipeline;

/// <summary>The broker goes away in the middle of a stream of new feed items and comes back: nothing lost, nothing doubled.</summary>
[Collection(PipelineTests.Name)]
public sealed class BrokerRestartTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Run_BrokerRestartsMidStream_EveryAlertDeliveredOnceWithItsWebhookId()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        var before = TestFeeds.English.Take(2).ToList();
        var during = TestFeeds.English.ToList();
        env.ServeEnglish(before);
        var expectedBefore = TestFeeds.All.Where(i => i.Expect.HasFlag(Expect.Webhook) && (!TestFeeds.English.Contains(i) || before.Contains(i))).ToList();
        var expectedAll = TestFeeds.All.Where(i => i.Expect.HasFlag(Expect.Webhook)).ToList();

        await using var host = env.BuildHost(ServiceRoles.All);
        await host.StartAsync();
        await env.Webhooks.WaitForAsync(expectedBefore.Count, Timeout);

        await RabbitMqNode.StopAsync();
        try
        {
            // New items arrive while the broker is down: polls fail to publish and must retry them later.
            env.ServeEnglish(during);
            await Task.Delay(TimeSpan.FromSeconds(4));
        }
        finally
        {
            await RabbitMqNode.StartAsync();
        }

        await env.Webhooks.WaitForAsync(expectedAll.Count, Timeout);
        await Task.Delay(TimeSpan.FromSeconds(4));
        await host.StopAsync();

        var received = env.Webhooks.Requests.Select(r => (Id: r.Header("webhook-id"), Body: r.BodyText)).ToList();
        var itemIds = received.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement
            .GetProperty("data").GetProperty("sources")[0].GetProperty("itemId").GetString()).ToList();
        Assert.Equal(expectedAll.Select(i => i.ItemId).Order(), itemIds.Order());
        Assert.Equal(received.Count, received.Select(r => r.Id).Distinct().Count());
    }
}
