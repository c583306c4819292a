using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Host;
using OutageAlerts.IntegrationTests.Pipeline;
using OutageAlerts.Storage;
using OutageAlerts.Testing;

namespace OutageAlerts.IntegrationTests.Telemetry;

/// <summary>
/// What the observability tests run the real service against, all on loopback: one local HTTP feed whose document
/// (or failure) the test sets, a webhook receiver, a Twilio-shaped SMS gateway, an SMTP server and a store.
/// The bus is in-memory unless a test points the service at RabbitMQ.
/// </summary>
public sealed class TelemetryTestEnvironment : IAsyncDisposable
{
    public const string FeedName = "wire-test";
    public const string WebhookSecret = "whsec_b2JzZXJ2YWJpbGl0eS10ZXN0LXNlY3JldC0zMi1ieXRlcyE=";
    public const string EmailRecipient = "duty-desk@example.org";
    public const string SmsRecipient = "+380671112233";
    public const string SmsAuthToken = "observability-auth-token";

    private readonly TestStore _store;
    private volatile string _feed = TestFeeds.Rss("Test wire", []);
    private volatile int _feedStatus = StatusCodes.Status200OK;

    private TelemetryTestEnvironment(LocalHttpServer feeds, LocalHttpServer webhooks, LocalHttpServer sms, LocalSmtpServer smtp, TestStore store)
    {
        Feeds = feeds;
        Webhooks = webhooks;
        Sms = sms;
        Smtp = smtp;
        _store = store;
    }

    public LocalHttpServer Feeds { get; }
    public LocalHttpServer Webhooks { get; }
    public LocalHttpServer Sms { get; }
    public LocalSmtpServer Smtp { get; }

    public static async Task<TelemetryTestEnvironment> StartAsync(StoreProvider store = StoreProvider.Sqlite)
    {
        TelemetryTestEnvironment? environment = null;
        var feeds = await LocalHttpServer.StartAsync(async (_, context) =>
        {
            context.Response.StatusCode = environment!._feedStatus;
            if (context.Response.StatusCode == StatusCodes.Status200OK)
            {
                context.Response.ContentType = "application/rss+xml; charset=utf-8";
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(environment._feed));
            }
        });
        var sms = await LocalHttpServer.StartAsync(async (_, context) =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"sid":"SM1111111111111111111111111111111","status":"queued"}""");
        });
        environment = new TelemetryTestEnvironment(
            feeds, await LocalHttpServer.StartRecordingAsync(), sms, LocalSmtpServer.Start(), await TestStore.CreateAsync(store));
        return environment;
    }

    /// <summary>What the feed serves from now on.</summary>
    public void Serve(params TestItem[] items)
    {
        _feed = TestFeeds.Rss("Test wire", items);
        _feedStatus = StatusCodes.Status200OK;
    }

    /// <summary>The feed answers every request with this status and no document from now on.</summary>
    public void FailFeed(int status) => _feedStatus = status;

    public Dictionary<string, string?> Settings(string feedInterval = "00:00:01") => new(_store.Settings)
    {
        ["OutageAlerts:Transport"] = "InMemory",
        ["OutageAlerts:Feeds:0:Name"] = FeedName,
        ["OutageAlerts:Feeds:0:Url"] = Feeds.Url("feeds/wire.xml").AbsoluteUri,
        ["OutageAlerts:Feeds:0:Interval"] = feedInterval,
        ["OutageAlerts:Subscriptions:0:Id"] = "hooks",
        ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
        ["OutageAlerts:Subscriptions:0:Target"] = Webhooks.Url("hooks/outage").AbsoluteUri,
        ["OutageAlerts:Subscriptions:0:Secret"] = WebhookSecret,
        ["OutageAlerts:Subscriptions:0:Format"] = "json",
        ["OutageAlerts:Subscriptions:0:MinSeverity"] = "Minor",
        ["OutageAlerts:Subscriptions:1:Id"] = "desk-email",
        ["OutageAlerts:Subscriptions:1:Channel"] = "email",
        ["OutageAlerts:Subscriptions:1:Target"] = EmailRecipient,
        ["OutageAlerts:Subscriptions:1:MinSeverity"] = "Severe",
        ["OutageAlerts:Subscriptions:2:Id"] = "duty-sms",
        ["OutageAlerts:Subscriptions:2:Channel"] = "sms",
        ["OutageAlerts:Subscriptions:2:Target"] = SmsRecipient,
        ["OutageAlerts:Subscriptions:2:MinSeverity"] = "Extreme",
        ["OutageAlerts:Smtp:Host"] = "127.0.0.1",
        ["OutageAlerts:Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["OutageAlerts:Smtp:From"] = "alerts@example.org",
        ["OutageAlerts:Smtp:UseTls"] = "false",
        ["OutageAlerts:Sms:Provider"] = "Twilio",
        ["OutageAlerts:Sms:BaseUrl"] = Sms.BaseAddress.AbsoluteUri,
        ["OutageAlerts:Sms:AccountSid"] = "AC11111111111111111111111111111111",
        ["OutageAlerts:Sms:AuthToken"] = SmsAuthToken,
        ["OutageAlerts:Sms:From"] = "+15550002222",
        ["OutageAlerts:Webhooks:AllowPrivateTargets"] = "true",
        // Each report goes out at once: these tests follow one report's trace, not the corroboration hold.
        ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:00",
        ["OutageAlerts:Telemetry:BacklogRefreshInterval"] = "00:00:01",
    };

    /// <summary>Builds the real service for <paramref name="roles"/>; <paramref name="overrides"/> win over <see cref="Settings"/> (null removes a key).</summary>
    public WebApplication BuildHost(
        ServiceRoles roles, IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        var settings = Settings();
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                settings.Remove(key);
            }
            else
            {
                settings[key] = value;
            }
        }

        // MassTransit keeps its log context in a static that an earlier host in this process may have disposed.
        MassTransit.LogContext.ConfigureCurrentLogContext(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        return ServiceHost.Build(["--urls", "http://127.0.0.1:0"], roles, builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            services?.Invoke(builder.Services);
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Feeds.DisposeAsync();
        await Webhooks.DisposeAsync();
        await Sms.DisposeAsync();
        await Smtp.DisposeAsync();
        await _store.DisposeAsync();
    }
}

/// <summary>The service's own HTTP endpoints, once it has started.</summary>
public static class TelemetryHostEndpoints
{
    public static HttpClient Client(WebApplication host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var address = host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new HttpClient { BaseAddress = new Uri(address) };
    }
}
