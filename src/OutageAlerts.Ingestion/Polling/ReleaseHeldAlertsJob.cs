using Microsoft.Extensions.Logging;
using OutageAlerts.Incidents;
using OutageAlerts.Ingestion.Publishing;
using Quartz;

namespace OutageAlerts.Ingestion.Polling;

/// <summary>
/// Publishes alert versions the correlator held back (a lower-severity first message gathering corroboration, an
/// update waiting for the minimum interval) once they fall due.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class ReleaseHeldAlertsJob(
    IIncidentCorrelator correlator,
    AlertPublisher publisher,
    TimeProvider timeProvider,
    ILogger<ReleaseHeldAlertsJob> logger) : IJob
{
    public static readonly JobKey Key = new("release-held-alerts", "incidents");
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var alert in await correlator.ReleaseDueAsync(timeProvider.GetUtcNow(), cancellationToken))
            {
                await publisher.PublishAsync(alert, null, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
#pragma warning disable CA1031 // The next run retries; a broker or store outage must not end the schedule.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogReleaseFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing held alerts failed; retrying on the next run")]
    private partial void LogReleaseFailed(Exception exception);
}
