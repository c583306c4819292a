using Microsoft.Extensions.Hosting;

namespace OutageAlerts.Delivery.Dispatch;

/// <summary>
/// A hosted loop over work that waits in the store (retries, deferred deliveries, digests): do what fell due, wait,
/// again. A round that fails (the store away for a moment) is reported and the next round tries again; the work
/// stays in the store meanwhile.
/// </summary>
public abstract class StorePump(TimeProvider time) : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    /// <summary>How long to wait between rounds.</summary>
    protected abstract TimeSpan PollInterval { get; }

    /// <summary>Does everything that is due now; returns how much it did.</summary>
    public abstract Task<int> RunDueAsync(CancellationToken cancellationToken);

    protected abstract void OnRoundFailed(Exception exception);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunDueAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                OnRoundFailed(ex);
            }

            try
            {
                await Task.Delay(PollInterval, Time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
