using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Log;

namespace OutageAlerts.Host.Telemetry;

/// <summary>Counts the retries waiting in the store every <see cref="TelemetryOptions.BacklogRefreshInterval"/> for the pending-retries gauge.</summary>
internal sealed partial class DeliveryRetriesMonitor(
    DeliveryRetries retries,
    BacklogMetrics metrics,
    IOptions<TelemetryOptions> options,
    TimeProvider timeProvider,
    ILogger<DeliveryRetriesMonitor> logger) : BackgroundService
{
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.BacklogRefreshInterval, timeProvider);
        try
        {
            do
            {
                await RefreshAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    internal async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            metrics.ReportPendingRetries(await retries.CountAsync(cancellationToken));
            if (_failing)
            {
                _failing = false;
                LogRecovered();
            }
        }
#pragma warning disable CA1031 // The store being down must not end the monitor; the gauge goes absent instead.
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            metrics.ReportPendingRetries(null);
            if (!_failing)
            {
                _failing = true;
                LogCountFailed(ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pending delivery retries could not be counted ({Error}); the gauge is not reported until the store answers")]
    private partial void LogCountFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pending delivery retries are counted again")]
    private partial void LogRecovered();
}
