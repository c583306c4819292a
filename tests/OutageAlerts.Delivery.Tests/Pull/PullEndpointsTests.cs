using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Pull;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Testing;

namespace OutageAlerts.Delivery.Tests.Pull;

/// <summary>The pull outputs on a real Kestrel listener over a SQLite store.</summary>
public sealed class PullEndpointsTests : IAsyncLifetime
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Cap = "urn:oasis:names:tc:emergency:cap:1.2";
    private static readonly Lazy<XmlSchemaSet> CapSchema = new(LoadCapSchema);

    private readonly TestStore _store = TestStore.Sqlite();
    private readonly FakeTimeProvider _time = new(DeliveryServices.Now);
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    private CurrentAlerts Current => _app.Services.GetRequiredService<CurrentAlerts>();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(_store.Settings);
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddPullOutputs(builder.Configuration);
        _app = builder.Build();
        _app.MapPullOutputs();
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }

    private static XmlSchemaSet LoadCapSchema()
    {
        var path = SharedFiles.PathTo("conformance/cap/CAP-v1.2.xsd")
            ?? throw new FileNotFoundException("shared/conformance/cap/CAP-v1.2.xsd was not found beside the repository.");
        var set = new XmlSchemaSet();
        set.Add(Cap.NamespaceName, path);
        set.Compile();
        return set;
    }

    private static List<string> CapSchemaErrors(XElement capAlert)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = CapSchema.Value };
        settings.ValidationEventHandler += (_, e) => errors.Add(e.Message);
        using var reader = XmlReader.Create(new StringReader(capAlert.ToString(SaveOptions.DisableFormatting)), settings);
        while (reader.Read())
        {
        }

        return errors;
    }

    private async Task RecordStandardSetAsync()
    {
        await Current.RecordAsync(AlertEventKind.Raised, SampleAlerts.Kharkiv(), CancellationToken.None);
        await Current.RecordAsync(AlertEventKind.Raised, SampleAlerts.KyivInUkrainian(), CancellationToken.None);
        await Current.RecordAsync(AlertEventKind.Raised, CurrentAlertsTests.Gaza(), CancellationToken.None);
        await Current.RecordAsync(AlertEventKind.Raised, SampleAlerts.Odesa(), CancellationToken.None);
        await Current.RecordAsync(
            AlertEventKind.Cancelled,
            SampleAlerts.Odesa() with { Version = 2, MsgType = MsgType.Cancel, Sent = SampleAlerts.Sent.AddMinutes(20) },
            "the school was not hit",
            CancellationToken.None);
    }

    private async Task<XDocument> GetFeedAsync(string query = "")
    {
        using var response = await _client.GetAsync(new Uri(PullEndpoints.AtomPath + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType!.MediaType);
        return XDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static XElement CapOf(XElement entry) =>
        Assert.Single(entry.Element(Atom + "content")!.Elements(Cap + "alert"));

    private static string AlertIdOf(XElement entry) =>
        CapOf(entry).Element(Cap + "incidents")!.Value;

    [Fact]
    public async Task AtomFeed_CurrentAndCancelledAlerts_EveryEmbeddedCapDocumentIsSchemaValid()
    {
        await RecordStandardSetAsync();

        var feed = (await GetFeedAsync()).Root!;

        Assert.Equal(Atom + "feed", feed.Name);
        Assert.False(string.IsNullOrEmpty(feed.Element(Atom + "id")?.Value));
        Assert.False(string.IsNullOrEmpty(feed.Element(Atom + "title")?.Value));
        Assert.Equal(new DateTimeOffset(2025, 11, 8, 4, 50, 0, TimeSpan.Zero), DateTimeOffset.Parse(feed.Element(Atom + "updated")!.Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(string.IsNullOrEmpty(feed.Element(Atom + "author")?.Element(Atom + "name")?.Value));
        var entries = feed.Elements(Atom + "entry").ToList();
        Assert.Equal(4, entries.Count);
        foreach (var entry in entries)
        {
            Assert.StartsWith("urn:outage-alerts:alert:", entry.Element(Atom + "id")!.Value, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(entry.Element(Atom + "title")?.Value));
            Assert.NotNull(entry.Element(Atom + "updated"));
            Assert.NotNull(entry.Element(Atom + "category")?.Attribute("term"));
            var link = entry.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "alternate");
            Assert.Equal("application/cap+xml", (string?)link.Attribute("type"));
            Assert.Equal("application/cap+xml", (string?)entry.Element(Atom + "content")!.Attribute("type"));
            var cap = CapOf(entry);
            Assert.True(CapSchemaErrors(cap) is { Count: 0 }, AlertIdOf(entry) + ": " + string.Join("; ", CapSchemaErrors(cap)));
        }

        var odesa = entries.Single(e => AlertIdOf(e) == "inc-2025-11-08-odesa");
        Assert.Equal("Cancel", CapOf(odesa).Element(Cap + "msgType")!.Value);
        Assert.Equal("the school was not hit", CapOf(odesa).Element(Cap + "note")!.Value);
        Assert.StartsWith("Cancelled: ", odesa.Element(Atom + "title")!.Value, StringComparison.Ordinal);
        var kyiv = entries.Single(e => AlertIdOf(e) == "inc-2025-11-09-kyiv");
        Assert.Equal(SampleAlerts.KyivInUkrainian().Headline, kyiv.Element(Atom + "title")!.Value);
        Assert.Equal("Severe", kyiv.Element(Atom + "category")!.Attribute("term")!.Value);
    }

    [Fact]
    public async Task AtomFeed_OlderVersionArrivesLate_EntryKeepsNewerVersion()
    {
        await Current.RecordAsync(AlertEventKind.Updated, SampleAlerts.Kharkiv(version: 2), CancellationToken.None);
        await Current.RecordAsync(AlertEventKind.Raised, SampleAlerts.Kharkiv(version: 1), CancellationToken.None);

        var entry = Assert.Single((await GetFeedAsync()).Root!.Elements(Atom + "entry"));

        Assert.Equal("inc-2025-11-08-kharkiv-v2", CapOf(entry).Element(Cap + "identifier")!.Value);
        Assert.Equal("Update", CapOf(entry).Element(Cap + "msgType")!.Value);
        Assert.Equal("2025-11-08T05:30:00Z", entry.Element(Atom + "updated")!.Value);
    }

    [Theory]
    [InlineData("?minSeverity=severe", new[] { "inc-2025-11-08-kharkiv", "inc-2025-11-09-kyiv" })]
    [InlineData("?region=UA-30", new[] { "inc-2025-11-09-kyiv" })]
    [InlineData("?country=ps", new[] { "inc-2025-11-08-gaza" })]
    [InlineData("?country=UA&region=ua-51", new[] { "inc-2025-11-08-odesa" })]
    [InlineData("?region=SD-KH", new string[0])]
    public async Task AtomFeed_Filters_ListOnlyMatchingAlerts(string query, string[] expected)
    {
        await RecordStandardSetAsync();

        var entries = (await GetFeedAsync(query)).Root!.Elements(Atom + "entry");

        Assert.Equal(expected.Order(StringComparer.Ordinal), entries.Select(AlertIdOf).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(PullEndpoints.AtomPath + "?minSeverity=4")]
    [InlineData(PullEndpoints.AtomPath + "?minSeverity=dire")]
    [InlineData(PullEndpoints.GeoJsonPath + "?country=UKR")]
    [InlineData(PullEndpoints.GeoJsonPath + "?region=UA-%25")]
    public async Task Filters_Malformed_Are400ProblemDetails(string url)
    {
        using var response = await _client.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task CapDocument_FollowingTheEntryLink_ReturnsThatAlertsLatestCap()
    {
        await RecordStandardSetAsync();
        var entry = (await GetFeedAsync("?region=UA-63")).Root!.Element(Atom + "entry")!;
        var href = new Uri((string)entry.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "alternate").Attribute("href")!);

        using var response = await _client.GetAsync(href);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/cap+xml", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(new Uri(_client.BaseAddress!, "/api/alerts/inc-2025-11-08-kharkiv/cap.xml"), href);
        var cap = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Empty(CapSchemaErrors(cap));
        Assert.Equal("inc-2025-11-08-kharkiv-v1", cap.Element(Cap + "identifier")!.Value);
    }

    [Fact]
    public async Task CapDocument_UnknownAlert_Is404ProblemDetails()
    {
        using var response = await _client.GetAsync(new Uri("/api/alerts/inc-never/cap.xml", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task GeoJson_CurrentAlerts_OneFeatureEachWithPointOrNullGeometryAndWebhookData()
    {
        await RecordStandardSetAsync();
        await Current.RecordAsync(AlertEventKind.Raised, SampleAlerts.Odesa() with { AlertId = "inc-2025-11-01-old", Sent = DeliveryServices.Now.AddDays(-3) }, CancellationToken.None);

        using var response = await _client.GetAsync(new Uri(PullEndpoints.GeoJsonPath, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("FeatureCollection", json.RootElement.GetProperty("type").GetString());
        var features = json.RootElement.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("id").GetString()!);
        // The cancelled Odesa alert and the one older than the window are not current.
        Assert.Equal(["inc-2025-11-08-gaza", "inc-2025-11-08-kharkiv", "inc-2025-11-09-kyiv"], features.Keys.Order(StringComparer.Ordinal));

        var kharkiv = features["inc-2025-11-08-kharkiv"];
        Assert.Equal("Feature", kharkiv.GetProperty("type").GetString());
        var geometry = kharkiv.GetProperty("geometry");
        Assert.Equal("Point", geometry.GetProperty("type").GetString());
        Assert.Equal([36.23, 49.99], geometry.GetProperty("coordinates").EnumerateArray().Select(c => c.GetDouble()));
        var properties = kharkiv.GetProperty("properties");
        Assert.Equal("inc-2025-11-08-kharkiv", properties.GetProperty("alertId").GetString());
        Assert.Equal(1, properties.GetProperty("version").GetInt32());
        Assert.Equal("Severe", properties.GetProperty("severity").GetString());
        Assert.Equal(40_000, properties.GetProperty("outageCustomers").GetInt64());
        Assert.Equal("wire-1001", properties.GetProperty("sources")[0].GetProperty("itemId").GetString());
        Assert.Equal(JsonValueKind.Null, features["inc-2025-11-08-gaza"].GetProperty("geometry").ValueKind);
        Assert.Equal(SampleAlerts.KyivInUkrainian().Headline, features["inc-2025-11-09-kyiv"].GetProperty("properties").GetProperty("headline").GetString());
    }

    [Fact]
    public async Task GeoJson_IfNoneMatchWithCurrentTag_Is304UntilAnAlertChanges()
    {
        await RecordStandardSetAsync();
        using var first = await _client.GetAsync(new Uri(PullEndpoints.GeoJsonPath, UriKind.Relative));
        var tag = first.Headers.ETag;
        Assert.NotNull(tag);
        Assert.True(tag.IsWeak);
        Assert.Equal(TimeSpan.FromSeconds(30), first.Headers.CacheControl?.MaxAge);

        using var again = await SendConditionalAsync(PullEndpoints.GeoJsonPath, tag);
        _time.Advance(TimeSpan.FromMinutes(1));
        await Current.RecordAsync(AlertEventKind.Updated, SampleAlerts.Kharkiv(version: 2), CancellationToken.None);
        using var changed = await SendConditionalAsync(PullEndpoints.GeoJsonPath, tag);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(tag, again.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(tag, changed.Headers.ETag);
    }

    [Fact]
    public async Task AtomFeed_AlertLeavesTheWindow_TagChanges()
    {
        await Current.RecordAsync(AlertEventKind.Raised, SampleAlerts.Kharkiv(), CancellationToken.None);
        await Current.RecordAsync(AlertEventKind.Raised, CurrentAlertsTests.Gaza(), CancellationToken.None);
        using var first = await _client.GetAsync(new Uri(PullEndpoints.AtomPath, UriKind.Relative));

        // Kharkiv was sent ten minutes before Gaza: five minutes past its 48 hours, only Gaza is left.
        _time.SetUtcNow(SampleAlerts.Sent + PullOptions.DefaultCurrentWindow + TimeSpan.FromMinutes(5));
        using var later = await SendConditionalAsync(PullEndpoints.AtomPath, first.Headers.ETag!);

        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        var entries = XDocument.Parse(await later.Content.ReadAsStringAsync()).Root!.Elements(Atom + "entry");
        Assert.Equal(["inc-2025-11-08-gaza"], entries.Select(AlertIdOf));
    }

    private async Task<HttpResponseMessage> SendConditionalAsync(string path, EntityTagHeaderValue tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.IfNoneMatch.Add(tag);
        return await _client.SendAsync(request);
    }
}
