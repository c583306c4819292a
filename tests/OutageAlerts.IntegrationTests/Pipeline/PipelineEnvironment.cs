using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using OutageAlerts.Host;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.Storage;
using OutageAlerts.Testing;

namespace OutageAlerts.IntegrationTests.Pipeline;

/// <summary>
/// Everything the service talks to, for real and on loopback: a RabbitMQ virtual host, three HTTP feeds, a
/// webhook receiver, a Twilio-shaped SMS gateway and an SMTP server. Hosts built from it are configured only
/// through DESIGN.md contract 5's keys.
/// </summary>
public sealed class PipelineEnvironment : IAsyncDisposable
{
    public const string WebhookSecret = "whsec_dGhpcy1pcy1hLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzISE=";
    public const string SmsAccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string SmsAuthToken = "test-auth-token";
    public const string SmsRecipient = "+380501234567";
    public const string EmailRecipient = "desk@example.org";

    private readonly TestStore _store;

    private PipelineEnvironment(RabbitMqVirtualHost broker, LocalHttpServer feeds, LocalHttpServer webhooks, LocalHttpServer sms, LocalSmtpServer smtp, TestStore store)
    {
        Broker = broker;
        Feeds = feeds;
        Webhooks = webhooks;
        Sms = sms;
        Smtp = smtp;
        _store = store;
    }

    public RabbitMqVirtualHost Broker { get; }
    public LocalHttpServer Feeds { get; }
    public LocalHttpServer Webhooks { get; }
    public LocalHttpServer Sms { get; }
    public LocalSmtpServer Smtp { get; }

    /// <param name="store">Where the service keeps its state: the embedded SQLite file or a real PostgreSQL database.</param>
    public static async Task<PipelineEnvironment> StartAsync(StoreProvider store = StoreProvider.Sqlite)
    {
        var feedDocuments = new System.Collections.Concurrent.ConcurrentDictionary<string, string>
        {
            ["/feeds/en.xml"] = TestFeeds.Rss("English wire", TestFeeds.English),
            ["/feeds/uk.xml"] = TestFeeds.Rss("Українська стрічка", TestFeeds.Ukrainian),
            ["/feeds/ru.xml"] = TestFeeds.Rss("Русская лента", TestFeeds.Russian),
        };
        var feeds = await LocalHttpServer.StartAsync(async (request, context) =>
        {
            if (!feedDocuments.TryGetValue(request.Path, out var document))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = "application/rss+xml; charset=utf-8";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(document));
        });
        var sms = await LocalHttpServer.StartAsync(async (_, context) =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"sid":"SM0000000000000000000000000000000","status":"queued"}""");
        });
        return new PipelineEnvironment(
            await RabbitMqVirtualHost.CreateAsync(), feeds, await LocalHttpServer.StartRecordingAsync(), sms, LocalSmtpServer.Start(), await TestStore.CreateAsync(store))
        {
            _feedDocuments = feedDocuments,
        };
    }

    private System.Collections.Concurrent.ConcurrentDictionary<string, string> _feedDocuments = new();

    /// <summary>Replaces what the English feed serves from now on (new items appear at the next poll).</summary>
    public void ServeEnglish(IEnumerable<TestItem> items) => _feedDocuments["/feeds/en.xml"] = TestFeeds.Rss("English wire", items);

    /// <summary>The configuration an operator would give through environment variables (contract 5).</summary>
    public Dictionary<string, string?> Settings() => new(_store.Settings)
    {
        ["OutageAlerts:Transport"] = "RabbitMq",
        ["ConnectionStrings:RabbitMq"] = Broker.ConnectionString,
        ["OutageAlerts:Feeds:0:Name"] = "wire-en",
        ["OutageAlerts:Feeds:0:Url"] = Feeds.Url("feeds/en.xml").AbsoluteUri,
        ["OutageAlerts:Feeds:0:Interval"] = "00:00:01",
        ["OutageAlerts:Feeds:1:Name"] = "wire-uk",
        ["OutageAlerts:Feeds:1:Url"] = Feeds.Url("feeds/uk.xml").AbsoluteUri,
        ["OutageAlerts:Feeds:1:Interval"] = "00:00:01",
        ["OutageAlerts:Feeds:2:Name"] = "wire-ru",
        ["OutageAlerts:Feeds:2:Url"] = Feeds.Url("feeds/ru.xml").AbsoluteUri,
        ["OutageAlerts:Feeds:2:Interval"] = "00:00:01",
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
        ["OutageAlerts:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["OutageAlerts:Smtp:From"] = "alerts@example.org",
        ["OutageAlerts:Smtp:UseTls"] = "false",
        ["OutageAlerts:Sms:Provider"] = "Twilio",
        ["OutageAlerts:Sms:BaseUrl"] = Sms.BaseAddress.AbsoluteUri,
        ["OutageAlerts:Sms:AccountSid"] = SmsAccountSid,
        ["OutageAlerts:Sms:AuthToken"] = SmsAuthToken,
        ["OutageAlerts:Sms:From"] = "+15550001111",
        ["OutageAlerts:Webhooks:AllowPrivateTargets"] = "true",
        // A short hold still sends lower-severity first messages through the held-alert release path.
        ["OutageAlerts:Incidents:FirstMessageHold"] = "00:00:02",
    };

    /// <summary>Builds the real service for <paramref name="roles"/> with this environment's settings.</summary>
    public WebApplication BuildHost(ServiceRoles roles, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = Settings();
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        // MassTransit keeps its log context in a static; a previous host in this test process disposed its logger
        // factory, so point the static at a live one before the next bus is created.
        MassTransit.LogContext.ConfigureCurrentLogContext(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        return ServiceHost.Build(["--urls", "http://127.0.0.1:0"], roles, builder => builder.Configuration.AddInMemoryCollection(settings));
    }

    public async ValueTask DisposeAsync()
    {
        await Feeds.DisposeAsync();
        await Webhooks.DisposeAsync();
        await Sms.DisposeAsync();
        await Smtp.DisposeAsync();
        await Broker.DisposeAsync();
        await _store.DisposeAsync();
    }
}
