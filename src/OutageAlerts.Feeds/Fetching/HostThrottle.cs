using System.Collections.Concurrent;

namespace OutageAlerts.Feeds.Fetching;

/// <summary>Bounds the fetches in flight against each host, so many feeds of one publisher are fetched a few at a time.</summary>
internal sealed class HostThrottle(int perHost)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _hosts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Waits for a slot; null when none came free within <paramref name="wait"/>.</summary>
    public async Task<IDisposable?> EnterAsync(Uri url, TimeSpan wait, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        // The host, not host:port: the limit protects a publisher's machines, whatever port a feed is on.
        var gate = _hosts.GetOrAdd(url.IdnHost, static (_, n) => new SemaphoreSlim(n, n), perHost);
        using var timeout = new CancellationTokenSource(wait, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await gate.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return new Slot(gate);
    }

    private sealed class Slot(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
