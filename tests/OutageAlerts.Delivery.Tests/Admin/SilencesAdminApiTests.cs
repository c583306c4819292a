using System.Net;
using System.Text;
using System.Text.Json;
using OutageAlerts.Delivery.Admin;
using SilenceStore = OutageAlerts.Delivery.Silences.Silences;

namespace OutageAlerts.Delivery.Tests.Admin;

/// <summary>The silence endpoints on a real Kestrel listener, on the fake clock of <see cref="DeliveryServices.Now"/>.</summary>
public sealed class SilencesAdminApiTests : IAsyncLifetime
{
    private const string DeskKey = "desk-key-0123456789abcdefghijkl";
    private const string UnnamedKey = "unnamed-key-0123456789abcdefghij";
    private const string ReaderKey = "reader-key-0123456789abcdefghij";

    private AdminApiHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminApiHost.StartAsync(new Dictionary<string, string?>
    {
        ["OutageAlerts:Admin:ApiKeys:0:Key"] = DeskKey,
        ["OutageAlerts:Admin:ApiKeys:0:Name"] = "duty-desk",
        ["OutageAlerts:Admin:ApiKeys:0:Scopes:0"] = AdminOptions.SilencesReadScope,
        ["OutageAlerts:Admin:ApiKeys:0:Scopes:1"] = AdminOptions.SilencesWriteScope,
        ["OutageAlerts:Admin:ApiKeys:1:Key"] = UnnamedKey,
        ["OutageAlerts:Admin:ApiKeys:1:Scopes:0"] = AdminOptions.SilencesWriteScope,
        ["OutageAlerts:Admin:ApiKeys:2:Key"] = ReaderKey,
        ["OutageAlerts:Admin:ApiKeys:2:Scopes:0"] = AdminOptions.SilencesReadScope,
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Body(object? matchers = null, string? startsAt = null, string? endsAt = "2025-11-08T07:00:00Z", string? comment = "receiver under maintenance") =>
        JsonSerializer.Serialize(new
        {
            matchers = matchers ?? new { regions = new[] { "ua-63" }, channels = new[] { "Webhook" } },
            startsAt,
            endsAt,
            comment,
        });

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        using var response = await _host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(DeskKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(UnnamedKey, text, StringComparison.Ordinal);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? key, string? json = null) =>
        SendAsync(AdminApiHost.Request(method, path, key, json));

    private static string[] ErrorFields(JsonElement problem) =>
        [.. problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Create_Valid_Is201WithGeneratedIdAndKeyNameAsAuthor()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/admin/silences", DeskKey, Body());

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.StartsWith("sil-", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.Equal("duty-desk", body.GetProperty("createdBy").GetString());
        Assert.Equal(DeliveryServices.Now, body.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(["UA-63"], body.GetProperty("matchers").GetProperty("regions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["webhook"], body.GetProperty("matchers").GetProperty("channels").EnumerateArray().Select(e => e.GetString()));
        Assert.False(body.GetProperty("includeExtreme").GetBoolean());
        var active = Assert.Single(await _host.Get<SilenceStore>().ListActiveAsync(CancellationToken.None));
        Assert.Equal(body.GetProperty("id").GetString(), active.Id);
    }

    [Fact]
    public async Task Create_KeyWithoutName_AuthorIsKeyPosition()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/admin/silences", UnnamedKey, Body());

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("key #1", body.GetProperty("createdBy").GetString());
    }

    [Fact]
    public async Task Create_ReadOnlyKey_Is403AndNoKey401()
    {
        var (forbidden, _) = await SendAsync(HttpMethod.Post, "/api/admin/silences", ReaderKey, Body());
        var (unauthorized, _) = await SendAsync(HttpMethod.Get, "/api/admin/silences", null);
        var (unknownKey, _) = await SendAsync(HttpMethod.Get, "/api/admin/silences", "not-a-configured-key-at-all-000");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownKey);
        Assert.Empty(await _host.Get<SilenceStore>().ListAsync(includeExpired: true));
    }

    [Fact]
    public async Task List_PendingActiveAndExpired_AllOnlyWithAllTrue()
    {
        await SendAsync(HttpMethod.Post, "/api/admin/silences", DeskKey, Body(startsAt: "2025-11-08T04:55:00Z", endsAt: "2025-11-08T05:10:00Z", comment: "short"));
        await SendAsync(HttpMethod.Post, "/api/admin/silences", DeskKey,
            Body(startsAt: "2025-11-08T06:00:00Z", endsAt: "2025-11-08T08:00:00Z", comment: "later"));
        await SendAsync(HttpMethod.Post, "/api/admin/silences", DeskKey, Body(comment: "now"));
        _host.Time.Advance(TimeSpan.FromMinutes(10));

        var (_, current) = await SendAsync(HttpMethod.Get, "/api/admin/silences", ReaderKey);
        var (_, all) = await SendAsync(HttpMethod.Get, "/api/admin/silences?all=true", ReaderKey);

        Assert.Equal(["now", "later"], current.EnumerateArray().Select(s => s.GetProperty("comment").GetString()));
        Assert.Equal(["active", "pending"], current.EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        Assert.Equal(["short", "now", "later"], all.EnumerateArray().Select(s => s.GetProperty("comment").GetString()));
        Assert.Equal("expired", all[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Delete_Active_Is204ExpiredAndNoLongerActive()
    {
        var (_, created) = await SendAsync(HttpMethod.Post, "/api/admin/silences", DeskKey, Body());
        var id = created.GetProperty("id").GetString();
        _host.Time.Advance(TimeSpan.FromMinutes(15));

        var (status, _) = await SendAsync(HttpMethod.Delete, $"/api/admin/silences/{id}", DeskKey);
        var (_, read) = await SendAsync(HttpMethod.Get, $"/api/admin/silences/{id}", ReaderKey);

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal("expired", read.GetProperty("status").GetString());
        Assert.Equal(DeliveryServices.Now.AddMinutes(15), read.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Empty(await _host.Get<SilenceStore>().ListActiveAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAndGet_Unknown_Are404()
    {
        var (delete, _) = await SendAsync(HttpMethod.Delete, "/api/admin/silences/sil-nothing", DeskKey);
        var (get, _) = await SendAsync(HttpMethod.Get, "/api/admin/silences/sil-nothing", DeskKey);

        Assert.Equal(HttpStatusCode.NotFound, delete);
        Assert.Equal(HttpStatusCode.NotFound, get);
    }

    [Theory]
    [InlineData("2025-11-08T04:00:00Z", "2025-11-08T04:30:00Z", "endsAt")]
    [InlineData("2025-11-08T06:00:00Z", "2025-11-08T05:30:00Z", "endsAt")]
    [InlineData(null, "2025-12-09T05:00:00Z", "endsAt")]
    [InlineData(null, null, "endsAt")]
    [InlineData("yesterday", "2025-11-08T07:00:00Z", "startsAt")]
    public async Task Create_BadTimes_Is400OnTheField(string? startsAt, string? endsAt, string field)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/admin/silences", DeskKey, Body(startsAt: startsAt, endsAt: endsAt));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([field], ErrorFields(body));
    }

    [Fact]
    public async Task Create_EmptyMatchers_Is400OnMatchers()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/admin/silences", DeskKey, Body(matchers: new { regions = Array.Empty<string>() }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["matchers"], ErrorFields(body));
    }

    [Fact]
    public async Task Create_BadMatcherValues_Is400NamingEachMatcher()
    {
        var matchers = new { countries = new[] { "Ukraine" }, channels = new[] { "pager" }, targets = new[] { "grid" }, regoins = new[] { "UA-63" } };

        var (status, body) = await SendAsync(HttpMethod.Post, "/api/admin/silences", DeskKey, Body(matchers: matchers));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["matchers.channels", "matchers.countries", "matchers.regoins", "matchers.targets"], ErrorFields(body));
        Assert.Contains("'pager' is not one of: webhook, email, sms", body.GetProperty("errors").GetProperty("matchers.channels")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NoComment_Is400OnComment()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/admin/silences", DeskKey, Body(comment: null));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["comment"], ErrorFields(body));
    }

    [Fact]
    public async Task Create_WrongMediaTypeAndOversized_Are415And413()
    {
        var plain = AdminApiHost.Request(HttpMethod.Post, "/api/admin/silences", DeskKey);
        plain.Content = new StringContent(Body(), Encoding.UTF8, "text/plain");
        var large = AdminApiHost.Request(HttpMethod.Post, "/api/admin/silences", DeskKey, Body(comment: new string('c', 20_000)));

        var (unsupported, _) = await SendAsync(plain);
        var (tooLarge, _) = await SendAsync(large);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge);
    }
}
