using System.Globalization;
using System.Text;
using System.Xml;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OutageAlerts.Feeds.Fetching;
using OutageAlerts.Feeds.Parsing;

namespace OutageAlerts.Benchmarks;

/// <summary>Synthetic feeds shaped like real news feeds: RSS 2.0 items with a short description and an HTML body.</summary>
internal static class SyntheticFeeds
{
    public static byte[] Rss(int items, int seed)
    {
        var sb = new StringBuilder();
        sb.Append("""<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Benchmark wire</title><link>https://news.example.org/</link><language>en</language>""");
        var published = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < items; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{seed}-{i}");
            sb.Append(CultureInfo.InvariantCulture, $"""
                <item><guid isPermaLink="false">wire-{id}</guid><title>Drone strike damages substation in district {i} &amp; cuts power</title>
                <link>https://news.example.org/{id}?utm_source=rss</link><dc:creator>Desk {i % 7}</dc:creator>
                <pubDate>{published.AddMinutes(-i).ToString("R", CultureInfo.InvariantCulture)}</pubDate>
                <description>Repair crews reached the site after the attack; about {1000 + i} households are without electricity.</description>
                <content:encoded><![CDATA[<p>Officials said the strike hit the <b>substation</b> shortly after midnight.</p><p>About {1000 + i} households lost power; heating was restored to hospitals first.</p><ul><li>No casualties were reported.</li><li>Outage schedules apply citywide.</li></ul>]]></content:encoded>
                <enclosure url="https://cdn.example.org/img/{id}.jpg" type="image/jpeg" length="1000"/></item>
                """);
        }

        sb.Append("</channel></rss>");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}

/// <summary>
/// Parse throughput of <see cref="FeedParser"/> (decode, sanitise, tree, field mapping, HTML to text, dates) against
/// a bare <see cref="XmlReader"/> pass over the same bytes: the floor any XML feed parser has to pay.
/// </summary>
[MemoryDiagnoser]
public class FeedParseBenchmarks
{
    private readonly FeedParser _parser = new();
    private byte[] _document = [];

    [Params(200)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _document = SyntheticFeeds.Rss(Items, 1);
        Console.WriteLine($"// Feed document: {_document.Length} bytes, {Items} items");
    }

    [Benchmark(Baseline = true)]
    public int XmlReaderPass()
    {
        using var stream = new MemoryStream(_document, writable: false);
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
        var nodes = 0;
        while (reader.Read())
        {
            nodes++;
        }

        return nodes;
    }

    [Benchmark]
    public int FeedParserParse() => _parser.Parse(_document, "application/rss+xml; charset=utf-8").Items.Count;
}

/// <summary>
/// One poll cycle over many feeds served by a local Kestrel server: every feed fetched through the real
/// <see cref="IFeedFetcher"/> (resilience pipeline, size cap, per-host limit) and parsed, against plain concurrent
/// HttpClient GETs of the same documents. Classification, correlation and the store are not part of this.
/// </summary>
[MemoryDiagnoser]
public class FeedPollCycleBenchmarks
{
    private WebApplication _server = null!;
    private ServiceProvider _services = null!;
    private HttpClient _raw = null!;
    private IFeedFetcher _fetcher = null!;
    private readonly FeedParser _parser = new();
    private Uri[] _feeds = [];

    [Params(50)]
    public int Feeds { get; set; }

    /// <summary>The fetcher's per-host limit; every feed here is on one host, the worst case for it.</summary>
    [Params(2, 8)]
    public int PerHost { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var documents = Enumerable.Range(0, Feeds).Select(i => SyntheticFeeds.Rss(40, i)).ToArray();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapGet("/feeds/{n:int}", (int n) => Results.Bytes(documents[n], "application/rss+xml; charset=utf-8"));
        await _server.StartAsync();
        var address = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _feeds = [.. Enumerable.Range(0, Feeds).Select(i => new Uri(address, $"/feeds/{i}"))];

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OutageAlerts:FeedFetching:MaxConcurrentFetchesPerHost"] = PerHost.ToString(CultureInfo.InvariantCulture),
        }).Build();
        _services = new ServiceCollection().AddLogging().AddFeeds(configuration).BuildServiceProvider();
        _fetcher = _services.GetRequiredService<IFeedFetcher>();
        _raw = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = PerHost });
        Console.WriteLine($"// {Feeds} feeds, {documents.Sum(d => d.Length)} bytes in all");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _raw.Dispose();
        await _services.DisposeAsync();
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task<long> RawHttpGet()
    {
        var sizes = await Task.WhenAll(_feeds.Select(async url => (await _raw.GetByteArrayAsync(url)).LongLength));
        return sizes.Sum();
    }

    [Benchmark]
    public async Task<int> FetchAndParse()
    {
        var counts = await Task.WhenAll(_feeds.Select(async url =>
        {
            var fetched = await _fetcher.FetchAsync(new FetchRequest(url), CancellationToken.None);
            return fetched.Status == FetchStatus.Ok ? _parser.Parse(fetched.Body, fetched.ContentType, fetched.BaseUri).Items.Count : 0;
        }));
        return counts.Sum();
    }
}
