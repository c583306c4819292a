using System.Collections.Specialized;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NSubstitute;
using OutageAlerts.Ingestion.Health;
using Quartz;

namespace OutageAlerts.Ingestion.Tests.Health;

/// <summary>The scheduler readiness check against a real in-memory Quartz scheduler through its lifecycle.</summary>
public sealed class SchedulerHealthCheckTests : IAsyncLifetime
{
    private readonly StandaloneSchedulerFactory _factory = QuartzSchedulerBuilder.Create(_ => { })
        .UseProperties(new NameValueCollection
        {
            ["quartz.scheduler.instanceName"] = "health-test-" + Guid.NewGuid().ToString("N"),
            ["quartz.threadPool.maxConcurrency"] = "1",
        })
        .Build();

    private IScheduler _scheduler = null!;

    public async Task InitializeAsync() => _scheduler = await _factory.GetScheduler();

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task CheckHealthAsync_CreatedButNotStarted_IsUnhealthy()
    {
        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("not started", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_Running_IsHealthy()
    {
        await _scheduler.Start();

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task CheckHealthAsync_InStandby_IsUnhealthy()
    {
        await _scheduler.Start();
        await _scheduler.Standby();

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("standby", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_ShutDown_IsUnhealthy()
    {
        await _scheduler.Start();
        await _scheduler.Shutdown();

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("shut down", result.Description, StringComparison.Ordinal);
    }

    private Task<HealthCheckResult> CheckAsync()
    {
        // The factory hands out this very scheduler, even shut down (Quartz's own would create a new one then).
        var factory = Substitute.For<ISchedulerFactory>();
        factory.GetScheduler(Arg.Any<CancellationToken>()).Returns(_scheduler);
        return new SchedulerHealthCheck(factory).CheckHealthAsync(new HealthCheckContext());
    }
}
