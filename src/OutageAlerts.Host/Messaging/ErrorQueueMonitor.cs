using Microsoft.Extensions.Options;
using OutageAlerts.Host.Telemetry;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace OutageAlerts.Host.Messaging;

/// <summary>
/// Asks RabbitMQ how many messages wait in each error queue every <see cref="TelemetryOptions.BacklogRefreshInterval"/>
/// for the error-queue-depth gauge. The queues are only looked at (passive declare), never created: a queue that
/// does not exist yet (nothing has failed) counts 0. One connection is kept between refreshes and replaced when lost.
/// </summary>
internal sealed partial class ErrorQueueMonitor(
    RabbitMqAddress address,
    MessagingOptions messaging,
    BacklogMetrics metrics,
    IOptions<TelemetryOptions> options,
    TimeProvider timeProvider,
    ILogger<ErrorQueueMonitor> logger) : BackgroundService
{
    private const ushort NotFound = 404;

    private IConnection? _connection;
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
        finally
        {
            await DropConnectionAsync();
        }
    }

    internal async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = _connection ??= await address.ConnectAsync("outage-alerts error-queue monitor", messaging.Hosts, cancellationToken);
            var depths = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var queue in ErrorQueues.All)
            {
                depths[queue] = await DepthAsync(connection, queue, cancellationToken);
            }

            metrics.ReportErrorQueueDepths(depths);
            if (_failing)
            {
                _failing = false;
                LogRecovered();
            }
        }
#pragma warning disable CA1031 // The broker being down must not end the monitor; the gauge goes absent instead.
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            metrics.ReportErrorQueueDepths(null);
            await DropConnectionAsync();
            if (!_failing)
            {
                _failing = true;
                LogDepthFailed(ex.GetType().Name);
            }
        }
    }

    private static async Task<long> DepthAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        // The broker closes a channel whose passive declare names a missing queue, so each queue gets its own.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            var declared = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            return declared.MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == NotFound)
        {
            return 0;
        }
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            try
            {
                await connection.DisposeAsync();
            }
#pragma warning disable CA1031 // A connection that is already broken may fail to close; it is dropped either way.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Error queue depths could not be read from RabbitMQ ({Error}); the gauge is not reported until the broker answers")]
    private partial void LogDepthFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Error queue depths are read from RabbitMQ again")]
    private partial void LogRecovered();
}
