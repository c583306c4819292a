using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Host;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.IntegrationTests.Telemetry;
using Quartz;

namespace OutageAlerts.IntegrationTests.Health;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> of the real service: broker, store and scheduler make it ready or
/// not (503), stale feeds make it Degraded (still 200), and liveness never depends on any of them.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class HealthEndpointTests
{
    private const string Live = ServiceHost.LivePath;
    private const string Ready = ServiceHost.ReadyPath;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Ready_EverythingUp_IsHealthyAndListsBrokerStoreSchedulerAndFeeds()
    {
        await using var env = await TelemetryTestEnvironment.StartAsync();
        env.Serve();
        await using var host = env.BuildHost(ServiceRoles.All);
        await host.StartAsync();
        using var client = TelemetryHostEndpoints.Client(host);

        var ready = await HealthReport.WaitForAsync(client, Ready, r => r.Status == "Healthy", Timeout);
        var live = await HealthReport.GetAsync(client, Live);
        await host.StopAsync();

        Assert.Equal(HttpStatusCode.OK, ready.Code);
        Assert.Equal(new HashSet<string>(["broker", "store", "scheduler", "feeds"]), ready.Checks.Keys.ToHashSet());
        Assert.All(ready.Checks.Values, c => Assert.Equal("Healthy", c.Status));
        Assert.All(ready.Checks.Values, c => Assert.False(string.IsNullOrWhiteSpace(c.Description), c.Name));
        Assert.Equal(HttpStatusCode.OK, live.Code);
        Assert.Equal("Healthy", live.Status);
        Assert.Empty(live.Checks);
    }

    [Fact]
    public async Task Ready_DeliveryRole_HasNoSchedulerOrFeedChecks()
    {
        await using var env = await TelemetryTestEnvironment.StartAsync();
        await using var host = env.BuildHost(ServiceRoles.Delivery);
        await host.StartAsync();
        using var client = TelemetryHostEndpoints.Client(host);

        var ready = await HealthReport.WaitForAsync(client, Ready, r => r.Status == "Healthy", Timeout);
        await host.StopAsync();

        Assert.Equal(HttpStatusCode.OK, ready.Code);
        Assert.Equal(new HashSet<string>(["broker", "store"]), ready.Checks.Keys.ToHashSet());
    }

    [Theory]
    [InlineData(ServiceRoles.All)]
    [InlineData(ServiceRoles.Ingestion)]
    [InlineData(ServiceRoles.Delivery)]
    public async Task Ready_BrokerPortClosed_Is503NamingTheBrokerWhileLiveStays200(ServiceRoles roles)
    {
        await using var env = await TelemetryTestEnvironment.StartAsync();
        env.Serve();
        const string password = "broker-password-not-for-health";
        await using var host = env.BuildHost(roles, new Dictionary<string, string?>
        {
            ["OutageAlerts:Transport"] = "RabbitMq",
            ["ConnectionStrings:RabbitMq"] = $"amqp://guest:{password}@127.0.0.1:{ClosedPort()}/",
        });
        await host.StartAsync();
        using var client = TelemetryHostEndpoints.Client(host);

        // Once the store answers, the only thing keeping the process out of service is the broker.
        var ready = await HealthReport.WaitForAsync(client, Ready, r => r.StatusOf("store") == "Healthy", Timeout);
        var live = await HealthReport.GetAsync(client, Live);
        await host.StopAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Code);
        Assert.Equal("Unhealthy", ready.Status);
        Assert.Equal("Unhealthy", ready.StatusOf("broker"));
        Assert.Equal("Healthy", ready.StatusOf("store"));
        Assert.DoesNotContain(password, ready.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.Code);
    }

    [Fact]
    public async Task Ready_VirtualHostDeletedWhileRunning_TurnsFrom200To503NamingTheBroker()
    {
        await using var env = await TelemetryTestEnvironment.StartAsync();
        var broker = await RabbitMqVirtualHost.CreateAsync();
        await using var host = env.BuildHost(ServiceRoles.Delivery, new Dictionary<string, string?>
        {
            ["OutageAlerts:Transport"] = "RabbitMq",
            ["ConnectionStrings:RabbitMq"] = broker.ConnectionString,
        });
        await host.StartAsync();
        using var client = TelemetryHostEndpoints.Client(host);
        HealthReport before;
        try
        {
            before = await HealthReport.WaitForAsync(client, Ready, r => r.Status == "Healthy", Timeout);
        }
        finally
        {
            // Deleting the virtual host closes every connection to it; the bus cannot come back.
            await broker.DisposeAsync();
        }

        var after = await HealthReport.WaitForAsync(client, Ready, r => r.StatusOf("broker") == "Unhealthy", Timeout);
        await host.StopAsync();

        Assert.Equal(HttpStatusCode.OK, before.Code);
        Assert.Equal("Healthy", before.StatusOf("broker"));
        Assert.True(after.Code == HttpStatusCode.ServiceUnavailable, after.Body);
        Assert.Equal("Unhealthy", after.StatusOf("broker"));
    }

    [Fact]
    public async Task Ready_FeedStopsSucceeding_IsDegradedWith200NamingTheFeed()
    {
        await using var env = await TelemetryTestEnvironment.StartAsync();
        env.Serve();
        await using var host = env.BuildHost(ServiceRoles.All, new Dictionary<string, string?>
        {
            ["OutageAlerts:Health:FeedStaleAfterIntervals"] = "3",
        });
        await host.StartAsync();
        using var client = TelemetryHostEndpoints.Client(host);
        var fresh = await HealthReport.WaitForAsync(client, Ready, r => r.Status == "Healthy", Timeout);

        env.FailFeed(503);
        var stale = await HealthReport.WaitForAsync(client, Ready, r => r.StatusOf("feeds") == "Degraded", Timeout);
        await host.StopAsync();

        Assert.Equal("Healthy", fresh.StatusOf("feeds"));
        Assert.Equal(HttpStatusCode.OK, stale.Code);
        Assert.Equal("Degraded", stale.Status);
        Assert.Equal("Degraded", stale.StatusOf("feeds"));
        Assert.Contains(TelemetryTestEnvironment.FeedName, stale.Checks["feeds"].Description, StringComparison.Ordinal);
        Assert.Equal("Healthy", stale.StatusOf("scheduler"));
    }

    [Fact]
    public async Task Ready_SchedulerInStandby_Is503NamingTheSchedulerUntilItRunsAgain()
    {
        await using var env = await TelemetryTestEnvironment.StartAsync();
        env.Serve();
        await using var host = env.BuildHost(ServiceRoles.Ingestion);
        await host.StartAsync();
        using var client = TelemetryHostEndpoints.Client(host);
        await HealthReport.WaitForAsync(client, Ready, r => r.StatusOf("scheduler") == "Healthy", Timeout);
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        await scheduler.Standby();
        var standby = await HealthReport.GetAsync(client, Ready);
        await scheduler.Start();
        var running = await HealthReport.GetAsync(client, Ready);
        await host.StopAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, standby.Code);
        Assert.Equal("Unhealthy", standby.StatusOf("scheduler"));
        Assert.Contains("standby", standby.Checks["scheduler"].Description, StringComparison.Ordinal);
        Assert.Equal("Healthy", running.StatusOf("scheduler"));
    }

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
