using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Host;
using OutageAlerts.IntegrationTests.Infrastructure;

namespace OutageAlerts.IntegrationTests.Pipeline;

/// <summary>
/// The SSRF guard end to end: with <c>AllowPrivateTargets</c> off (the default), a webhook subscription pointing at
/// loopback gets nothing, every such delivery is logged failed with the reason, and the other channels carry on.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class PrivateTargetsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_PrivateTargetsForbidden_SendsNothingToLoopbackAndLogsWhy()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        var expected = TestFeeds.All.Count(i => i.Expect.HasFlag(Expect.Webhook));
        var overrides = new Dictionary<string, string?> { ["OutageAlerts:Webhooks:AllowPrivateTargets"] = null };
        await using var host = env.BuildHost(ServiceRoles.All, overrides);
        await host.StartAsync();
        var log = host.Services.GetRequiredService<DeliveryLog>();
        IReadOnlyList<DeliveryLogEntry> refused = [];
        var deadline = DateTime.UtcNow + Timeout;
        while (refused.Count < expected && DateTime.UtcNow < deadline)
        {
            refused = await log.ListAsync("hooks", DeliveryStatus.Failed);
            await Task.Delay(200);
        }

        await env.Smtp.WaitForAsync(TestFeeds.All.Count(i => i.Expect.HasFlag(Expect.Email)), Timeout);
        await host.StopAsync();

        Assert.Empty(env.Webhooks.Requests);
        Assert.Equal(expected, refused.Count);
        Assert.All(refused, e => Assert.Contains("AllowPrivateTargets", e.LastError, StringComparison.Ordinal));
        Assert.Equal(TestFeeds.All.Count(i => i.Expect.HasFlag(Expect.Email)), env.Smtp.Messages.Count);
    }
}
