using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OutageAlerts.Storage.Retention;

/// <summary>
/// Deletes what every registered area says has expired, once per <see cref="RetentionOptions.Interval"/> (the first
/// round a minute after start, not during it). Each area is purged in batches until nothing is left; one area failing
/// (the store away for a moment) is logged, the others still run, and the next round tries again. Replicas may purge
/// at the same time: deleting what another replica already deleted deletes nothing.
/// </summary>
public sealed partial class StoreRetention(
    IEnumerable<IStoreRetention> areas,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<StoreRetention> logger) : BackgroundService
{
    /// <summary>The wait before the first round, so that a restart's start-up is not slowed by it.</summary>
    public static readonly TimeSpan FirstRoundDelay = TimeSpan.FromMinutes(1);

    private static readonly Counter<long> Deleted = StoreTelemetry.Meter.CreateCounter<long>(
        "outagealerts.store.retention.deleted", unit: "{row}", description: "Rows deleted because they were older than the retention period.");

    private readonly IStoreRetention[] _areas = [.. areas];

    /// <summary>One round: every area's expired rows, batch by batch; returns the rows deleted per area.</summary>
    public async Task<IReadOnlyDictionary<string, int>> PurgeAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var cutoff = time.GetUtcNow() - o.Period;
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var area in _areas)
        {
            var total = 0;
            try
            {
                int deleted;
                do
                {
                    deleted = await area.PurgeAsync(cutoff, o.BatchSize, cancellationToken);
                    total += deleted;
                    Deleted.Add(deleted, new KeyValuePair<string, object?>("outagealerts.retention.area", area.Area));
                }
                while (deleted > 0);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogAreaFailed(ex, area.Area, total);
            }

            if (total > 0)
            {
                LogPurged(area.Area, total, cutoff);
            }

            result[area.Area] = total;
        }

        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || _areas.Length == 0)
        {
            return;
        }

        var wait = FirstRoundDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await PurgeAsync(stoppingToken);
            wait = options.Value.Interval;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Rows} rows of {Area} older than {Cutoff:u}")]
    private partial void LogPurged(string area, int rows, DateTimeOffset cutoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention: purging {Area} failed after {Rows} rows; tried again next round")]
    private partial void LogAreaFailed(Exception exception, string area, int rows);
}
