using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OutageAlerts.Incidents;
using OutageAlerts.Ingestion.Publishing;
using Quartz;

namespace OutageAlerts.Ingestion.Polling;

/// <summary>
/// Publishes alert versions the correlator held back (a lower-severity first message gathering corroboration, an
/// update waiting for the minimum interval) once they fall due, each in the trace of the report that held it (so the
/// webhook shares the trace id of the feed fetch), and confirms each once the bus accepted it; an unconfirmed
/// message comes back from the correlator later with the same id and version.
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
            foreach (var released in await correlator.ReleaseDueAsync(timeProvider.GetUtcNow(), cancellationToken))
            {
                using (StartReleaseActivity(released))
                {
                    await publisher.PublishAsync(released.Alert, null, cancellationToken);
                }

                await correlator.ConfirmReleasedAsync(released.Alert.AlertId, released.Alert.Version, cancellationToken);
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

    private static Activity? StartReleaseActivity(ReleasedAlert released)
    {
        // The job's own run is not the cause of the message; the report that held it is.
        var parent = ActivityContext.TryParse(released.TraceParent, released.TraceState, out var context) ? context : default;
        var activity = IngestionTelemetry.Source.StartActivity("release held alert", ActivityKind.Internal, parent);
        activity?.SetTag("outagealerts.alert.id", released.Alert.AlertId);
        activity?.SetTag("outagealerts.alert.version", released.Alert.Version);
        return activity;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing held alerts failed; retrying on the next run")]
    private partial void LogReleaseFailed(Exception exception);
}
