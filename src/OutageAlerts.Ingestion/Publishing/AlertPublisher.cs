using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using OutageAlerts.Contracts;

namespace OutageAlerts.Ingestion.Publishing;

/// <summary>
/// Publishes one alert version as the event its CAP msgType calls for. Returns once the bus accepted it (on
/// RabbitMQ: the broker confirmed it), which is when the caller may record the work as done.
/// </summary>
internal sealed partial class AlertPublisher(IPublishEndpoint bus, ILogger<AlertPublisher> logger)
{
    public async Task PublishAsync(Alert alert, string? cancelReason, CancellationToken cancellationToken)
    {
        using var activity = IngestionTelemetry.Source.StartActivity("publish alert", ActivityKind.Producer);
        activity?.SetTag("outagealerts.alert.id", alert.AlertId);
        activity?.SetTag("outagealerts.alert.version", alert.Version);
        activity?.SetTag("outagealerts.alert.msg_type", alert.MsgType.ToString());
        activity?.SetTag("outagealerts.alert.severity", alert.Severity.ToString());

        var published = alert.MsgType switch
        {
            MsgType.Update => bus.Publish(new AlertUpdated(alert), cancellationToken),
            MsgType.Cancel => bus.Publish(new AlertCancelled(alert, cancelReason ?? "cancelled"), cancellationToken),
            _ => bus.Publish(new AlertRaised(alert), cancellationToken),
        };
        await published;

        IngestionTelemetry.AlertsPublished.Add(
            1,
            new KeyValuePair<string, object?>("outagealerts.msg_type", alert.MsgType.ToString()),
            new KeyValuePair<string, object?>("outagealerts.severity", alert.Severity.ToString()));
        LogPublished(alert.AlertId, alert.Version, alert.MsgType, alert.Severity);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published alert {AlertId} v{Version} ({MsgType}, {Severity})")]
    private partial void LogPublished(string alertId, int version, MsgType msgType, Severity severity);
}
