using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>
/// The feeds that carry the generated strike reports. Released items are appended round-robin; a document holds
/// every item not yet served plus the last <see cref="ServedWindow"/> served ones, so nothing is lost however far
/// polling falls behind and documents stay feed-sized. The first response that carried each item is timed: that is
/// where fetch-to-webhook latency starts. Unchanged feeds answer 304 to their ETag, as real publishers do.
/// </summary>
/// <remarks>
/// Two groups of feeds: the throughput phase's burst goes to feeds the service polls in the same instant
/// (<see cref="AlertFeedGroup.Burst"/>), the latency phase's steady stream to feeds polled at their own phases of the
/// second, as any feeds are (<see cref="AlertFeedGroup.Steady"/>).
/// </remarks>
internal sealed class AlertFeedServer : IAsyncDisposable
{
    public const int ServedWindow = 50;

    private readonly Feed[] _feeds;
    private readonly int _perGroup;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, long> _firstServed = new(StringComparer.Ordinal);
    private readonly int[] _next = new int[2];
    private LoopbackServer? _server;

    private AlertFeedServer(int perGroup, TimeProvider time)
    {
        _perGroup = perGroup;
        _feeds = [.. Enumerable.Range(0, 2 * perGroup).Select(i => new Feed())];
        _time = time;
    }

    /// <summary>Feeds in all, both groups.</summary>
    public int Count => _feeds.Length;

    /// <summary>The group of the feed at <paramref name="feed"/> (0 … <see cref="Count"/> − 1).</summary>
    public AlertFeedGroup GroupOf(int feed) => feed < _perGroup ? AlertFeedGroup.Burst : AlertFeedGroup.Steady;

    public static async Task<AlertFeedServer> StartAsync(int perGroup, TimeProvider time)
    {
        var server = new AlertFeedServer(perGroup, time);
        server._server = await LoopbackServer.StartAsync(["127.0.0.1"], server.HandleAsync);
        return server;
    }

    public Uri FeedUrl(int feed) => new(_server!.Addresses[0], string.Create(CultureInfo.InvariantCulture, $"alerts/{feed}.xml"));

    /// <summary>Makes <paramref name="items"/> visible from the next response of their group's feeds on.</summary>
    public void Release(IEnumerable<BenchItem> items, AlertFeedGroup group)
    {
        var first = group == AlertFeedGroup.Burst ? 0 : _perGroup;
        foreach (var item in items)
        {
            var feed = _feeds[first + (int)((uint)Interlocked.Increment(ref _next[(int)group]) % (uint)_perGroup)];
            lock (feed)
            {
                feed.Items.Add(item);
                feed.Version++;
                feed.Document = null;
            }
        }
    }

    /// <summary>When (<see cref="TimeProvider.GetTimestamp"/>) a response first carried the item; null if none did yet.</summary>
    public long? FirstServed(string itemId) => _firstServed.TryGetValue(itemId, out var at) ? at : null;

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (!path.StartsWith("/alerts/", StringComparison.Ordinal) || !path.EndsWith(".xml", StringComparison.Ordinal)
            || !int.TryParse(path["/alerts/".Length..^".xml".Length], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || index >= _feeds.Length)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var feed = _feeds[index];
        byte[] document;
        string etag;
        lock (feed)
        {
            etag = string.Create(CultureInfo.InvariantCulture, $"\"a{index}-{feed.Version}\"");
            if (context.Request.Headers.IfNoneMatch.ToString() == etag)
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                context.Response.Headers.ETag = etag;
                return;
            }

            var from = Math.Max(0, Math.Min(feed.ServedUpTo, feed.Items.Count - ServedWindow));
            document = feed.Document ??= BenchItems.Rss(string.Create(CultureInfo.InvariantCulture, $"Bench wire {index}"), feed.Items.Skip(from));
            var now = _time.GetTimestamp();
            for (var i = feed.ServedUpTo; i < feed.Items.Count; i++)
            {
                _firstServed.TryAdd(feed.Items[i].Id, now);
            }

            feed.ServedUpTo = feed.Items.Count;
        }

        context.Response.ContentType = "application/rss+xml; charset=utf-8";
        context.Response.Headers.ETag = etag;
        context.Response.Headers[HeaderNames.CacheControl] = "no-cache";
        context.Response.ContentLength = document.Length;
        await context.Response.Body.WriteAsync(document);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private sealed class Feed
    {
        public List<BenchItem> Items { get; } = [];
        public int ServedUpTo { get; set; }
        public int Version { get; set; }
        public byte[]? Document { get; set; }
    }
}

internal enum AlertFeedGroup
{
    /// <summary>Polled by the service in the same instant: a burst released at once is fetched at once.</summary>
    Burst,

    /// <summary>Polled at each feed's own phase of the second, as the service spreads any feeds.</summary>
    Steady,
}
