using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace OutageAlerts.Ingestion.Health;

/// <summary>The Quartz scheduler that fires the feed polls is started and neither in standby nor shut down.</summary>
internal sealed class SchedulerHealthCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IScheduler scheduler;
        try
        {
            scheduler = await schedulers.GetScheduler(cancellationToken);
        }
#pragma warning disable CA1031 // A health check reports failures; it must not throw them.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy($"Quartz scheduler unavailable: {ex.GetType().Name}");
        }

        var name = scheduler.SchedulerName;
        var status = await scheduler.GetStatus(cancellationToken);
        return status switch
        {
            SchedulerStatus.Running => HealthCheckResult.Healthy($"Quartz scheduler {name} running"),
            SchedulerStatus.Created => HealthCheckResult.Unhealthy($"Quartz scheduler {name} has not started; no feed is polled yet"),
            SchedulerStatus.Standby => HealthCheckResult.Unhealthy($"Quartz scheduler {name} is in standby; no feed is polled"),
            SchedulerStatus.ShuttingDown or SchedulerStatus.Shutdown => HealthCheckResult.Unhealthy($"Quartz scheduler {name} is shut down; no feed is polled"),
            _ => HealthCheckResult.Unhealthy($"Quartz scheduler {name} is in an unknown state ({status})"),
        };
    }
}
