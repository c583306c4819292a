using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>
/// Many small feeds spread over several loopback addresses (127.0.0.2, .3, …), so they look like the many publishers
/// a real feed list has and the fetcher's per-host limit applies as it would. Each feed answers 304 to its current
/// ETag; <see cref="Change"/> gives a feed a new item and a new ETag.
/// </summary>
internal sealed class PollFeedServer : IAsyncDisposable
{
    public const int ItemsPerFeed = 5;
    public const int MaxPublishers = 20;

    private readonly byte[][] _documents;
    private readonly int[] _versions;
    private readonly DateTimeOffset _anchor;
    private LoopbackServer? _server;
    private Uri[] _publishers = [];
    private long _requests;
    private long _notModified;

    private PollFeedServer(int feeds, DateTimeOffset anchor)
    {
        _anchor = anchor;
        _versions = new int[feeds];
        _documents = [.. Enumerable.Range(0, feeds).Select(i => Render(i, 0))];
    }

    public int Count => _documents.Length;

    public int Publishers => _publishers.Length;

    public long Requests => Interlocked.Read(ref _requests);

    public long NotModified => Interlocked.Read(ref _notModified);

    public static async Task<PollFeedServer> StartAsync(int feeds, DateTimeOffset anchor)
    {
        var server = new PollFeedServer(feeds, anchor);
        var wanted = Math.Min(MaxPublishers, feeds);
        var hosts = CanBindLoopbackAliases()
            ? Enumerable.Range(2, wanted).Select(i => string.Create(CultureInfo.InvariantCulture, $"127.0.0.{i}")).ToList()
            : ["127.0.0.1"];
        server._server = await LoopbackServer.StartAsync(hosts, server.HandleAsync);
        server._publishers = [.. server._server.Addresses.OrderBy(a => a.Host, StringComparer.Ordinal).ThenBy(a => a.Port)];
        return server;
    }

    public static string Name(int feed) => string.Create(CultureInfo.InvariantCulture, $"bench-poll-{feed}");

    public Uri FeedUrl(int feed) =>
        new(_publishers[feed % _publishers.Length], string.Create(CultureInfo.InvariantCulture, $"poll/{feed}.xml"));

    /// <summary>Publishes one more item in each of <paramref name="feeds"/>: their next conditional GET gets a body.</summary>
    public void Change(IEnumerable<int> feeds)
    {
        foreach (var feed in feeds)
        {
            var version = Interlocked.Increment(ref _versions[feed]);
            Volatile.Write(ref _documents[feed], Render(feed, version));
        }
    }

    private byte[] Render(int feed, int version)
    {
        var items = Enumerable.Range(0, ItemsPerFeed).Select(i => BenchItems.Calm(feed, i, _anchor));
        if (version > 0)
        {
            items = items.Prepend(BenchItems.Calm(feed, ItemsPerFeed + version, _anchor.AddMinutes(version)));
        }

        return BenchItems.Rss(string.Create(CultureInfo.InvariantCulture, $"Bench local news {feed}"), items);
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var path = context.Request.Path.Value ?? "";
        if (!path.StartsWith("/poll/", StringComparison.Ordinal) || !path.EndsWith(".xml", StringComparison.Ordinal)
            || !int.TryParse(path["/poll/".Length..^".xml".Length], NumberStyles.None, CultureInfo.InvariantCulture, out var feed)
            || feed >= _documents.Length)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var etag = string.Create(CultureInfo.InvariantCulture, $"\"p{feed}-{Volatile.Read(ref _versions[feed])}\"");
        context.Response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            Interlocked.Increment(ref _notModified);
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var document = Volatile.Read(ref _documents[feed]);
        context.Response.ContentType = "application/rss+xml; charset=utf-8";
        context.Response.ContentLength = document.Length;
        await context.Response.Body.WriteAsync(document);
    }

    // Linux routes all of 127.0.0.0/8 to the loopback interface; other systems may only have 127.0.0.1.
    private static bool CanBindLoopbackAliases()
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
