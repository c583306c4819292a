using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OutageAlerts.Delivery.Sms;

/// <summary>
/// Spaces messages from one sender number or id at <see cref="SmsOptions.MaxPerSecond"/>: carriers filter
/// numbers that send faster, and providers queue and then reject the excess. A message that would wait longer
/// than <see cref="SmsOptions.MaxRateWait"/> is not held here; it is retried later instead.
/// </summary>
internal sealed class SmsRateLimiter(IOptionsMonitor<SmsOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, object> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nextSlot = new(StringComparer.Ordinal);

    /// <summary>Waits for the sender's next slot; returns how long to come back after when it is too far away.</summary>
    public async Task<TimeSpan?> WaitForSlotAsync(string sender, CancellationToken cancellationToken)
    {
        var sms = options.CurrentValue;
        if (sms.MaxPerSecond <= 0)
        {
            return null;
        }

        var spacing = TimeSpan.FromSeconds(1 / sms.MaxPerSecond);
        TimeSpan wait;
        lock (_locks.GetOrAdd(sender, _ => new object()))
        {
            var now = time.GetUtcNow();
            var slot = _nextSlot.TryGetValue(sender, out var next) && next > now ? next : now;
            wait = slot - now;
            if (wait > sms.MaxRateWait)
            {
                return wait;
            }

            _nextSlot[sender] = slot + spacing;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }

        return null;
    }
}
