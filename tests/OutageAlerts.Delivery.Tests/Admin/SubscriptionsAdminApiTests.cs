using System.Net;
using System.Text;
using System.Text.Json;
using OutageAlerts.Delivery.Admin;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Tests.Admin;

/// <summary>The subscription endpoints on a real Kestrel listener; every body read here is checked for secrets.</summary>
public sealed class SubscriptionsAdminApiTests : IAsyncLifetime
{
    private const string OwnerKey = "owner-key-0123456789abcdefghij";
    private const string ReaderKey = "reader-key-0123456789abcdefghij";
    private const string DeliveriesKey = "deliveries-key-0123456789abcdefgh";

    // Two different secrets: the configured one and the one sent through the API. Neither may come back.
    private const string ConfiguredSecret = "whsec_BQSId+565p4ys+y/kiP16OfKS9eTEOUha9rgTPNoYIY=";
    private const string ApiSecret = "whsec_OECIEZ1F5FyuF9kkPkmxRbLSVgfldFg5";
    private const string OtherApiSecret = "whsec_c2Vjb25kLXNlY3JldC1mb3ItdGhlLWFwaS10ZXN0cw==";

    private AdminApiHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminApiHost.StartAsync(new Dictionary<string, string?>
    {
        ["OutageAlerts:Admin:ApiKeys:0:Key"] = OwnerKey,
        ["OutageAlerts:Admin:ApiKeys:0:Name"] = "duty-desk",
        ["OutageAlerts:Admin:ApiKeys:0:Scopes:0"] = AdminOptions.SubscriptionsReadScope,
        ["OutageAlerts:Admin:ApiKeys:0:Scopes:1"] = AdminOptions.SubscriptionsWriteScope,
        ["OutageAlerts:Admin:ApiKeys:1:Key"] = ReaderKey,
        ["OutageAlerts:Admin:ApiKeys:1:Scopes:0"] = AdminOptions.SubscriptionsReadScope,
        ["OutageAlerts:Admin:ApiKeys:2:Key"] = DeliveriesKey,
        ["OutageAlerts:Admin:ApiKeys:2:Scopes:0"] = AdminOptions.ReadScope,
        ["OutageAlerts:Admin:ApiKeys:2:Scopes:1"] = AdminOptions.WriteScope,
        ["OutageAlerts:Subscriptions:0:Id"] = "relief-hook",
        ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
        ["OutageAlerts:Subscriptions:0:Target"] = "https://relief.example.org/hooks/alerts",
        ["OutageAlerts:Subscriptions:0:Secret"] = ConfiguredSecret,
        ["OutageAlerts:Subscriptions:0:Countries"] = "UA",
        ["OutageAlerts:Sms:AccountSid"] = "AC0123456789abcdef",
        ["OutageAlerts:Sms:AuthToken"] = "twilio-token-for-tests",
        ["OutageAlerts:Sms:From"] = "+15005550006",
        // No SMTP host and no outbox: email subscriptions cannot be delivered by this service.
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Hook(string id = "ngo-hook", string secret = ApiSecret) => JsonSerializer.Serialize(new
    {
        id,
        channel = "webhook",
        target = "https://ngo.example.net/incoming",
        secret,
        format = "cap",
        minSeverity = "Severe",
        countries = new[] { "ua" },
        regions = new[] { "UA-63", "UA-30" },
        targets = new[] { "power_grid", "Heating" },
        quietHours = "22:00-07:00",
        timeZone = "Europe/Kyiv",
        maxPerHour = 20,
    });

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpRequestMessage request)
    {
        var response = await _host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        // Whatever the endpoint and the outcome, no secret ever appears in an answer.
        Assert.DoesNotContain(ConfiguredSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(OtherApiSecret, text, StringComparison.Ordinal);
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, string? key, string? json = null, string? ifMatch = null) =>
        SendAsync(AdminApiHost.Request(method, path, key, json, ifMatch));

    private static string[] ErrorFields(JsonElement problem) =>
        [.. problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task List_NoKey_Is401()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Get, "/api/admin/subscriptions", null);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(401, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task List_KeyWithoutSubscriptionScopes_Is403()
    {
        var (status, _, _) = await SendAsync(HttpMethod.Get, "/api/admin/subscriptions", DeliveriesKey);

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Create_ReadOnlyKey_Is403AndNothingStored()
    {
        var (status, _, _) = await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", ReaderKey, Hook());

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Empty(await _host.Get<StoredSubscriptions>().ListAsync());
    }

    [Fact]
    public async Task Create_ValidWebhook_Is201WithETagLocationAndHasSecret()
    {
        var (status, body, response) = await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, Hook());

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("\"1\"", response.Headers.ETag!.ToString());
        Assert.Equal("/api/admin/subscriptions/ngo-hook", response.Headers.Location!.OriginalString);
        Assert.Equal("api", body.GetProperty("source").GetString());
        Assert.True(body.GetProperty("hasSecret").GetBoolean());
        Assert.False(body.TryGetProperty("secret", out _));
        Assert.Equal("cap", body.GetProperty("format").GetString());
        Assert.Equal("Severe", body.GetProperty("minSeverity").GetString());
        Assert.Equal(["UA"], body.GetProperty("countries").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["power_grid", "heating"], body.GetProperty("targets").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, body.GetProperty("revision").GetInt64());
        Assert.Equal(DeliveryServices.Now, body.GetProperty("createdAt").GetDateTimeOffset());
        var stored = await _host.Get<StoredSubscriptions>().FindAsync("ngo-hook");
        Assert.Equal(ApiSecret, stored!.Subscription.Secret);
        Assert.Equal("https://ngo.example.net/incoming", stored.Subscription.Target);
    }

    [Fact]
    public async Task List_ConfiguredAndCreated_ConfiguredFirstWithSource()
    {
        await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, Hook());

        var (status, body, _) = await SendAsync(HttpMethod.Get, "/api/admin/subscriptions", ReaderKey);

        Assert.Equal(HttpStatusCode.OK, status);
        var items = body.EnumerateArray().ToList();
        Assert.Equal(["relief-hook", "ngo-hook"], items.Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(["configuration", "api"], items.Select(i => i.GetProperty("source").GetString()));
        Assert.True(items[0].GetProperty("hasSecret").GetBoolean());
        Assert.Equal("OutageAlerts:Subscriptions:0", items[0].GetProperty("configurationKey").GetString());
        Assert.Equal("https://relief.example.org/hooks/alerts", items[0].GetProperty("target").GetString());
    }

    [Fact]
    public async Task Get_Stored_HasETagAndConfiguredHasNone()
    {
        await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, Hook());

        var (storedStatus, stored, storedResponse) = await SendAsync(HttpMethod.Get, "/api/admin/subscriptions/ngo-hook", ReaderKey);
        var (configuredStatus, configured, configuredResponse) = await SendAsync(HttpMethod.Get, "/api/admin/subscriptions/relief-hook", ReaderKey);
        var (missingStatus, _, _) = await SendAsync(HttpMethod.Get, "/api/admin/subscriptions/nobody", ReaderKey);

        Assert.Equal(HttpStatusCode.OK, storedStatus);
        Assert.Equal("\"1\"", storedResponse.Headers.ETag!.ToString());
        Assert.Equal("22:00-07:00", stored.GetProperty("quietHours").GetString());
        Assert.Equal(HttpStatusCode.OK, configuredStatus);
        Assert.Null(configuredResponse.Headers.ETag);
        Assert.Equal("configuration", configured.GetProperty("source").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
    }

    [Fact]
    public async Task Create_IdUsedByConfiguration_Is409AndNotStored()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, Hook("relief-hook"));

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("configuration", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(await _host.Get<StoredSubscriptions>().FindAsync("relief-hook"));
    }

    [Fact]
    public async Task Create_IdAlreadyStored_Is409()
    {
        await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, Hook());

        var (status, _, _) = await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, Hook(secret: OtherApiSecret));

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(ApiSecret, (await _host.Get<StoredSubscriptions>().FindAsync("ngo-hook"))!.Subscription.Secret);
    }

    [Fact]
    public async Task PutAndDelete_ConfiguredSubscription_Are409ReadOnly()
    {
        var (put, putBody, _) = await SendAsync(HttpMethod.Put, "/api/admin/subscriptions/relief-hook", OwnerKey, Hook("relief-hook"));
        var (delete, _, _) = await SendAsync(HttpMethod.Delete, "/api/admin/subscriptions/relief-hook", OwnerKey);

        Assert.Equal(HttpStatusCode.Conflict, put);
        Assert.Contains("OutageAlerts:Subscriptions:0", putBody.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, delete);
        Assert.NotNull(await _host.Get<ISubscriptionDirectory>().FindAsync("relief-hook", CancellationToken.None));
    }

    [Fact]
    public async Task Put_CurrentIfMatchWithoutSecret_Is200NextRevisionAndKeepsSecret()
    {
        await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, Hook());
        var change = JsonSerializer.Serialize(new { channel = "webhook", target = "https://ngo.example.net/v2", regions = new[] { "UA-51" } });

        var (status, body, response) = await SendAsync(HttpMethod.Put, "/api/admin/subscriptions/ngo-hook", OwnerKey, change, "\"1\"");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("\"2\"", response.Headers.ETag!.ToString());
        Assert.Equal(2, body.GetProperty("revision").GetInt64());
        Assert.True(body.GetProperty("hasSecret").GetBoolean());
        // PUT replaces: what was left out is back at its default.
        Assert.Equal("json", body.GetProperty("format").GetString());
        Assert.Empty(body.GetProperty("countries").EnumerateArray());
        var stored = await _host.Get<StoredSubscriptions>().FindAsync("ngo-hook");
        Assert.Equal(ApiSecret, stored!.Subscription.Secret);
        Assert.Equal("https://ngo.example.net/v2", stored.Subscription.Target);
        Assert.Equal(DeliveryServices.Now, stored.CreatedAt);
    }

    [Fact]
    public async Task Put_NewSecret_ReplacesIt()
    {
        await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, Hook());

        var (status, _, _) = await SendAsync(HttpMethod.Put, "/api/admin/subscriptions/ngo-hook", OwnerKey, Hook(secret: OtherApiSecret));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(OtherApiSecret, (await _host.Get<StoredSubscriptions>().FindAsync("ngo-hook"))!.Subscription.Secret);
    }

    [Fact]
    public async Task Put_StaleIfMatch_Is412AndUnchanged()
    {
        await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, Hook());
        await SendAsync(HttpMethod.Put, "/api/admin/subscriptions/ngo-hook", OwnerKey, Hook(), "\"1\"");

        var (status, body, _) = await SendAsync(HttpMethod.Put, "/api/admin/subscriptions/ngo-hook", OwnerKey,
            JsonSerializer.Serialize(new { channel = "webhook", target = "https://elsewhere.example.net/" }), "\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Contains("revision 2", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("https://ngo.example.net/incoming", (await _host.Get<StoredSubscriptions>().FindAsync("ngo-hook"))!.Subscription.Target);
    }

    [Fact]
    public async Task Put_Unknown_Is404()
    {
        var (status, _, _) = await SendAsync(HttpMethod.Put, "/api/admin/subscriptions/nobody", OwnerKey, Hook("nobody"));

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Put_BodyIdDiffersFromPath_Is400OnId()
    {
        await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, Hook());

        var (status, body, _) = await SendAsync(HttpMethod.Put, "/api/admin/subscriptions/ngo-hook", OwnerKey, Hook("renamed"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["id"], ErrorFields(body));
    }

    [Fact]
    public async Task Delete_StaleIfMatchThenCurrent_Is412Then204AndGone()
    {
        await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, Hook());
        await SendAsync(HttpMethod.Put, "/api/admin/subscriptions/ngo-hook", OwnerKey, Hook());

        var (stale, _, _) = await SendAsync(HttpMethod.Delete, "/api/admin/subscriptions/ngo-hook", OwnerKey, ifMatch: "\"1\"");
        var (current, _, _) = await SendAsync(HttpMethod.Delete, "/api/admin/subscriptions/ngo-hook", OwnerKey, ifMatch: "\"2\"");
        var (again, _, _) = await SendAsync(HttpMethod.Delete, "/api/admin/subscriptions/ngo-hook", OwnerKey);

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale);
        Assert.Equal(HttpStatusCode.NoContent, current);
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Null(await _host.Get<ISubscriptionDirectory>().FindAsync("ngo-hook", CancellationToken.None));
    }

    [Fact]
    public async Task Create_ThenDirectory_SeesItAtOnceWithoutWaitingForTheCache()
    {
        var directory = _host.Get<ISubscriptionDirectory>();
        Assert.Single(await directory.ListAsync(CancellationToken.None));

        await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, Hook());

        var all = await directory.ListAsync(CancellationToken.None);
        Assert.Equal(["relief-hook", "ngo-hook"], all.Select(s => s.Id));
        Assert.Equal(ApiSecret, (await directory.FindAsync("ngo-hook", CancellationToken.None))!.Secret);
    }

    [Fact]
    public async Task Create_InvalidFields_Is400WithErrorsKeyedByField()
    {
        var json = JsonSerializer.Serialize(new
        {
            id = "bad-hook",
            channel = "webhook",
            target = "ftp://ngo.example.net/",
            secret = "whsec_c2hvcnQ=",
            countries = new[] { "Ukraine" },
            regions = new[] { "Kharkiv" },
            targets = new[] { "power" },
            quietHours = "22:00",
            timeZone = "Mars/Olympus",
            maxPerHour = -1,
            digestTime = "8 am",
        });

        var (status, body, response) = await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(
            ["countries", "digestTime", "maxPerHour", "quietHours", "regions", "secret", "target", "targets", "timeZone"],
            ErrorFields(body));
        Assert.Contains("ISO 3166-1", body.GetProperty("errors").GetProperty("countries")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await _host.Get<StoredSubscriptions>().ListAsync());
    }

    [Theory]
    [InlineData("channel", "pager")]
    [InlineData("format", "xml")]
    [InlineData("minSeverity", "Catastrophic")]
    [InlineData("mode", "weekly")]
    [InlineData("digestPeriod", "3")]
    public async Task Create_UnknownEnumValue_Is400NamingTheField(string field, string value)
    {
        var fields = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Hook())!;
        fields[field] = JsonSerializer.SerializeToElement(value);

        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, JsonSerializer.Serialize(fields));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([field], ErrorFields(body));
        Assert.Contains($"'{value}' is not one of", body.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_EmailWithoutSmtpHost_Is400OnChannel()
    {
        var json = JsonSerializer.Serialize(new { id = "desk-mail", channel = "email", target = "desk@example.org" });

        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["channel"], ErrorFields(body));
        Assert.Contains("OutageAlerts:Smtp:Host", body.GetProperty("errors").GetProperty("channel")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SmsWithSecret_Is400OnSecret()
    {
        var json = JsonSerializer.Serialize(new { id = "duty-phone", channel = "sms", target = "+380501234567", secret = ApiSecret });

        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["secret"], ErrorFields(body));
    }

    [Fact]
    public async Task Create_Sms_Is201()
    {
        var json = JsonSerializer.Serialize(new { id = "duty.phone_2", channel = "SMS", target = "+380501234567", minSeverity = "extreme" });

        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, json);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("sms", body.GetProperty("channel").GetString());
        Assert.Equal("Extreme", body.GetProperty("minSeverity").GetString());
        Assert.False(body.GetProperty("hasSecret").GetBoolean());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/in/it")]
    [InlineData("an-id-that-is-far-too-long-for-a-subscription-0123456789abcdefghijk")]
    public async Task Create_BadId_Is400OnId(string id)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, Hook(id));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["id"], ErrorFields(body));
    }

    [Fact]
    public async Task Create_MisspeltField_Is400NamingIt()
    {
        var json = JsonSerializer.Serialize(new { id = "x", channel = "webhook", target = "https://ngo.example.net/", secret = ApiSecret, contries = new[] { "UA" } });

        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["contries"], ErrorFields(body));
    }

    [Fact]
    public async Task Put_BodyFromGet_IsAcceptedAsIs()
    {
        await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, Hook());
        var (_, read, _) = await SendAsync(HttpMethod.Get, "/api/admin/subscriptions/ngo-hook", OwnerKey);

        var (status, body, _) = await SendAsync(HttpMethod.Put, "/api/admin/subscriptions/ngo-hook", OwnerKey, read.GetRawText(), "\"1\"");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("cap", body.GetProperty("format").GetString());
        Assert.Equal(["UA-63", "UA-30"], body.GetProperty("regions").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Create_MalformedJson_Is400ProblemDetails()
    {
        var (status, body, response) = await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, "{\"id\": \"x\", ");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Malformed JSON", body.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Create_WrongJsonType_Is400NamingTheField()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey,
            "{\"id\":\"x\",\"channel\":\"webhook\",\"countries\":\"UA\"}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["countries"], ErrorFields(body));
    }

    [Fact]
    public async Task Create_Oversized_Is413()
    {
        var json = $"{{\"id\":\"x\",\"target\":\"{new string('x', 20_000)}\"}}";

        var (status, _, _) = await SendAsync(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey, json);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    [Fact]
    public async Task Create_OversizedWithoutContentLength_Is413()
    {
        var request = AdminApiHost.Request(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey);
        var bytes = Encoding.UTF8.GetBytes($"{{\"id\":\"x\",\"target\":\"{new string('x', 40_000)}\"}}");
        request.Content = new StreamContent(new UnseekableStream(bytes));
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var (status, _, _) = await SendAsync(request);

        Assert.Null(request.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    [Fact]
    public async Task Create_PlainText_Is415()
    {
        var request = AdminApiHost.Request(HttpMethod.Post, "/api/admin/subscriptions", OwnerKey);
        request.Content = new StringContent(Hook(), Encoding.UTF8, "text/plain");

        var (status, _, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
    }

    /// <summary>A body whose length the client cannot know, so it is sent chunked.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
