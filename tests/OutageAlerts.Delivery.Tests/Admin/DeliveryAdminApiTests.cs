using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OutageAlerts.Delivery.Admin;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Sms;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Delivery.Tests.Webhooks;

namespace OutageAlerts.Delivery.Tests.Admin;

/// <summary>The admin API and the Twilio callback on a real Kestrel listener, with the real delivery services.</summary>
public sealed class DeliveryAdminApiTests : IAsyncLifetime
{
    private const string ReadKey = "read-key-0123456789abcdefghij";
    private const string WriteKey = "write-key-0123456789abcdefghij";
    private const string AuthToken = "twilio-token-for-tests";

    private readonly string _directory = Directory.CreateTempSubdirectory("outage-alerts-admin-").FullName;
    private readonly FakeTimeProvider _time = new(DeliveryServices.Now);
    private TestReceiver _receiver = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _receiver = await TestReceiver.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:OutageAlerts"] = $"Data Source={Path.Combine(_directory, "store.db")}",
            ["OutageAlerts:Admin:ApiKeys:0:Key"] = ReadKey,
            ["OutageAlerts:Admin:ApiKeys:0:Scopes:0"] = AdminOptions.ReadScope,
            ["OutageAlerts:Admin:ApiKeys:1:Key"] = WriteKey,
            ["OutageAlerts:Admin:ApiKeys:1:Scopes:0"] = AdminOptions.ReadScope,
            ["OutageAlerts:Admin:ApiKeys:1:Scopes:1"] = AdminOptions.WriteScope,
            ["OutageAlerts:Subscriptions:0:Id"] = "relief-hook",
            ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
            ["OutageAlerts:Subscriptions:0:Target"] = _receiver.BaseUrl + "/in",
            ["OutageAlerts:Subscriptions:0:Secret"] = WebhookSignatureTests.Secret,
            ["OutageAlerts:Webhooks:AllowPrivateTargets"] = "true",
            ["OutageAlerts:Sms:AccountSid"] = "AC0123456789abcdef",
            ["OutageAlerts:Sms:AuthToken"] = AuthToken,
            ["OutageAlerts:Sms:From"] = "+15005550006",
        });
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddDelivery(builder.Configuration);
        // The pump is driven by the tests, not by the host.
        builder.Services.RemoveAll<Microsoft.Extensions.Hosting.IHostedService>();
        _app = builder.Build();
        _app.MapDeliveryAdminApi();
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? key, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return request;
    }

    private async Task DeliverOnceAsync()
    {
        var dispatcher = _app.Services.GetRequiredService<DeliveryDispatcher>();
        await dispatcher.DeliverAsync(
            new WebhookDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "relief-hook"), DeliveryChannel.Webhook, 0, false, CancellationToken.None);
    }

    [Fact]
    public async Task Deliveries_NoKey_Is401ProblemDetails()
    {
        using var response = await _client.SendAsync(Request(HttpMethod.Get, "/api/admin/deliveries", null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Deliveries_ReadKey_ListsLogWithoutSecrets()
    {
        await DeliverOnceAsync();

        using var response = await _client.SendAsync(Request(HttpMethod.Get, "/api/admin/deliveries?status=delivered", ReadKey));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        using var list = JsonDocument.Parse(text);
        var entry = Assert.Single(list.RootElement.EnumerateArray());
        Assert.Equal("relief-hook", entry.GetProperty("subscriptionId").GetString());
        Assert.DoesNotContain("whsec_", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliveries_BadStatus_Is400()
    {
        using var response = await _client.SendAsync(Request(HttpMethod.Get, "/api/admin/deliveries?status=lost", ReadKey));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Replay_ReadOnlyKey_Is403()
    {
        using var response = await _client.SendAsync(Request(HttpMethod.Post, "/api/admin/deliveries/replay", ReadKey,
            new { alertId = "inc-2025-11-08-kharkiv", version = 1, subscriptionId = "relief-hook" }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Replay_DeliveredWebhook_IsSentAgainByThePump()
    {
        await DeliverOnceAsync();

        using var response = await _client.SendAsync(Request(HttpMethod.Post, "/api/admin/deliveries/replay", WriteKey,
            new { alertId = "inc-2025-11-08-kharkiv", version = 1, subscriptionId = "relief-hook" }));
        var attempted = await _app.Services.GetRequiredService<DeliveryRetryPump>().RunDueAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, attempted);
        Assert.Equal(2, _receiver.Requests.Count);
        var entry = await _app.Services.GetRequiredService<DeliveryLog>().FindAsync(new DeliveryKey("inc-2025-11-08-kharkiv", 1, "relief-hook"));
        Assert.Equal(DeliveryStatus.Delivered, entry!.Status);
        Assert.Equal(2, entry.Attempts);
    }

    [Fact]
    public async Task Replay_MalformedJson_Is400ProblemDetails()
    {
        var request = Request(HttpMethod.Post, "/api/admin/deliveries/replay", WriteKey);
        request.Content = new StringContent("{\"alertId\": ", System.Text.Encoding.UTF8, "application/json");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Replay_Oversized_Is413()
    {
        var request = Request(HttpMethod.Post, "/api/admin/deliveries/replay", WriteKey);
        request.Content = new StringContent($"{{\"alertId\":\"{new string('x', 20_000)}\"}}", System.Text.Encoding.UTF8, "application/json");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Replay_UnknownDelivery_Is404()
    {
        using var response = await _client.SendAsync(Request(HttpMethod.Post, "/api/admin/deliveries/replay", WriteKey,
            new { alertId = "no-such-alert", version = 1, subscriptionId = "relief-hook" }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task DisabledEndpoints_AfterGone_ListedAndReenabled()
    {
        _receiver.AnswerWith(410);
        await DeliverOnceAsync();

        using var list = await _client.SendAsync(Request(HttpMethod.Get, "/api/admin/endpoints/disabled", ReadKey));
        using var enable = await _client.SendAsync(Request(HttpMethod.Delete, "/api/admin/endpoints/disabled/relief-hook", WriteKey));

        using var json = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        Assert.Equal("relief-hook", Assert.Single(json.RootElement.EnumerateArray()).GetProperty("subscriptionId").GetString());
        Assert.Equal(HttpStatusCode.NoContent, enable.StatusCode);
        Assert.Empty(await _app.Services.GetRequiredService<DisabledEndpoints>().ListAsync());
    }

    [Fact]
    public async Task SmsStatus_ValidTwilioSignature_RecordsStatus()
    {
        var url = new Uri(_client.BaseAddress!, DeliveryAdminApi.SmsStatusPath).AbsoluteUri;
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM0123456789abcdef0123456789abcdef",
            ["MessageStatus"] = "undelivered",
            ["To"] = "+380501234567",
            ["ErrorCode"] = "30003",
        };
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignature.HeaderName, IndependentTwilioSignature(AuthToken, url, form));

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var status = await _app.Services.GetRequiredService<SmsStatuses>().FindAsync("SM0123456789abcdef0123456789abcdef");
        Assert.Equal("undelivered", status!.Status);
        Assert.Equal("30003", status.ErrorCode);
    }

    [Fact]
    public async Task SmsStatus_WrongSignature_Is403AndNothingRecorded()
    {
        var form = new Dictionary<string, string> { ["MessageSid"] = "SMfake", ["MessageStatus"] = "delivered" };
        var request = new HttpRequestMessage(HttpMethod.Post, DeliveryAdminApi.SmsStatusPath) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignature.HeaderName, IndependentTwilioSignature("another-token", "http://x/", form));

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(await _app.Services.GetRequiredService<SmsStatuses>().FindAsync("SMfake"));
    }

    /// <summary>Twilio's documented scheme written out separately: URL, then sorted name+value pairs, HMAC-SHA1.</summary>
    private static string IndependentTwilioSignature(string token, string url, Dictionary<string, string> form)
    {
        var data = url + string.Concat(form.Keys.Order(StringComparer.Ordinal).Select(k => k + form[k]));
#pragma warning disable CA5350 // Twilio's scheme
        using var hmac = new System.Security.Cryptography.HMACSHA1(System.Text.Encoding.UTF8.GetBytes(token));
        return Convert.ToBase64String(hmac.ComputeHash(System.Text.Encoding.UTF8.GetBytes(data)));
#pragma warning restore CA5350
    }
}
