using System.Text.Json;
using OutageAlerts.Delivery;
using OutageAlerts.Host;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.IntegrationTests.Pipeline;
using OutageAlerts.Storage;

namespace OutageAlerts.IntegrationTests.ScaleOut;

/// <summary>
/// Scale-out RabbitMQ settings on the real broker (RabbitMQ 3.8 or later): quorum queues on a fresh virtual host,
/// the broker given as a cluster node list, and per-channel prefetch.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class QuorumQueueTests
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_QuorumQueuesOnAFreshVirtualHost_DeclaresEveryEndpointQueueAsQuorumAndAlertsFlow()
    {
        await using var env = await PipelineEnvironment.StartAsync(StoreProvider.Postgres);
        var expected = TestFeeds.All.Where(i => i.Expect.HasFlag(Expect.Webhook)).Select(i => i.ItemId).ToList();
        var vhost = "oa-quorum-" + Guid.NewGuid().ToString("N")[..12];
        var overrides = new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] = await RabbitMqCtl.CreateQuorumVirtualHostAsync(vhost),
            ["OutageAlerts:RabbitMq:QuorumQueues"] = "true",
            // The broker as a (one-node) cluster list: the connection string's host, then these.
            ["OutageAlerts:RabbitMq:Hosts"] = "localhost, 127.0.0.1:5672",
            ["OutageAlerts:Delivery:Channels:Webhook:PrefetchCount"] = "5",
            ["OutageAlerts:Delivery:Channels:Webhook:ConcurrentMessageLimit"] = "3",
        };

        IReadOnlyList<string[]> queues;
        IReadOnlyList<string[]> consumers;
        try
        {
            await using var host = env.BuildHost(ServiceRoles.All, overrides);
            await host.StartAsync();
            await env.Webhooks.WaitForAsync(expected.Count, DeliveryTimeout);
            queues = await RabbitMqCtl.ListAsync("list_queues", vhost, "name", "type");
            consumers = await RabbitMqCtl.ListAsync("list_consumers", vhost, "queue_name", "prefetch_count");
            await host.StopAsync();
        }
        finally
        {
            await RabbitMqCtl.DeleteVirtualHostAsync(vhost);
        }

        var types = queues.Where(q => q.Length == 2).ToDictionary(q => q[0], q => q[1], StringComparer.Ordinal);
        foreach (var queue in new[] { DeliveryQueues.AlertRouting, DeliveryQueues.Webhook, DeliveryQueues.Email, DeliveryQueues.Sms })
        {
            Assert.True(types.TryGetValue(queue, out var type), $"{queue} not declared: {string.Join(", ", types.Keys)}");
            Assert.Equal("quorum", type);
        }

        var webhookPrefetch = consumers.Where(c => c.Length == 2 && c[0] == DeliveryQueues.Webhook).Select(c => c[1]).ToList();
        Assert.NotEmpty(webhookPrefetch);
        Assert.All(webhookPrefetch, p => Assert.Equal("5", p));

        var arrived = env.Webhooks.Requests
            .Select(r => JsonDocument.Parse(r.BodyText).RootElement.GetProperty("data").GetProperty("sources")[0].GetProperty("itemId").GetString())
            .ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), arrived.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_QuorumQueuesOnAVirtualHostThatDefaultsToClassic_FailsAtStartNamingTheKey()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        var overrides = new Dictionary<string, string?> { ["OutageAlerts:RabbitMq:QuorumQueues"] = "true" };

        await using var host = env.BuildHost(ServiceRoles.Delivery, overrides);
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("OutageAlerts:RabbitMq:QuorumQueues", error.Message, StringComparison.Ordinal);
        Assert.Contains("--default-queue-type quorum", error.Message, StringComparison.Ordinal);
    }
}
