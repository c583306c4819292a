using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using MimeKit;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace OutageAlerts.Delivery.Tests.Email;

public sealed class EmailSenderTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private readonly RecordingStore _store = new();
    private readonly RecipientFilter _filter = new();
    private SmtpServer.SmtpServer _server = null!;
    private int _sessions;
    private Task _running = Task.CompletedTask;
    private int _port;

    public async Task InitializeAsync()
    {
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, 0)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(_store);
        services.Add(_filter);
        _server = new SmtpServer.SmtpServer(options, services);
        _server.SessionCreated += (_, _) => Interlocked.Increment(ref _sessions);
        _running = _server.StartAsync(_stop.Token);
        _port = await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // Stopping the server is how these tests end.
        }

        _stop.Dispose();
    }

    private DeliveryServices Services(string? language = null, string? unsubscribeUrl = null, string? useTls = "false")
    {
        var settings = new Dictionary<string, string?>
        {
            ["OutageAlerts:Subscriptions:0:Id"] = "ngo-duty",
            ["OutageAlerts:Subscriptions:0:Channel"] = "email",
            ["OutageAlerts:Subscriptions:0:Target"] = "duty@relief.example.org",
            ["OutageAlerts:Subscriptions:0:Language"] = language,
            ["OutageAlerts:Smtp:Host"] = "127.0.0.1",
            ["OutageAlerts:Smtp:Port"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OutageAlerts:Smtp:UseTls"] = useTls,
            ["OutageAlerts:Smtp:From"] = "Outage Alerts <alerts@outage.example.org>",
            ["OutageAlerts:Smtp:UnsubscribeUrl"] = unsubscribeUrl,
        };
        return DeliveryServices.Create(settings);
    }

    private static Task<DeliveryResult> SendAsync(DeliveryServices services, IAlertDelivery delivery)
    {
        var sender = services.Get<IEnumerable<IChannelSender>>().Single(s => s.Channel == DeliveryChannel.Email);
        var subscription = services.Get<IOptions<SubscriptionsOptions>>().Value.Find("ngo-duty")!;
        return sender.SendAsync(delivery, subscription, CancellationToken.None);
    }

    [Fact]
    public async Task SendAsync_Alert_SendsMultipartWithSeveritySubject()
    {
        await using var services = Services();

        var result = await SendAsync(services, new EmailDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "ngo-duty"));

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var (recipients, message) = Assert.Single(_store.Messages);
        Assert.Equal(["duty@relief.example.org"], recipients);
        Assert.Equal("[SEVERE] Drone strike on energy infrastructure — Kharkiv oblast (UA-63)", message.Subject);
        Assert.Equal("alerts@outage.example.org", ((MailboxAddress)message.From.Single()).Address);
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.Contains("Casualties: 2 injured", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("40,000 customers", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://news.example.org/wire/1001", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_UseTlsUnsetAndRelayWithoutStartTls_StillDelivers()
    {
        await using var services = Services(useTls: null);

        var result = await SendAsync(services, new EmailDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "ngo-duty"));

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Single(_store.Messages);
    }

    [Fact]
    public async Task SendAsync_UseTlsRequiredAndRelayWithoutStartTls_DoesNotSendInTheClear()
    {
        await using var services = Services(useTls: "true");

        var result = await SendAsync(services, new EmailDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "ngo-duty"));

        Assert.NotEqual(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Empty(_store.Messages);
    }

    [Fact]
    public async Task SendAsync_CyrillicUpdate_ArrivesIntactAndThreaded()
    {
        await using var services = Services();
        var alert = SampleAlerts.KyivInUkrainian() with { Version = 2, MsgType = Contracts.MsgType.Update, Changes = ["загинули: 1 → 3"] };

        await SendAsync(services, new EmailDelivery(AlertEventKind.Updated, alert, "ngo-duty"));

        var (_, message) = Assert.Single(_store.Messages);
        Assert.Equal("[SEVERE] Оновлення: Удар по енергетичній інфраструктурі та теплопостачанню — місто Київ (UA-30)", message.Subject);
        Assert.Contains("Удар по ТЕЦ у Києві: без тепла понад сто тисяч споживачів", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("загинули: 1 → 3", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Жертви: загинули: 3, поранені: 7", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Відключення: без постачання: 120\u00A0000 споживачів", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Де: місто Київ (UA-30), Україна", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Що змінилося з попередньої версії:", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"uk\">", message.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("inc-2025-11-09-kyiv.v1.ngo-duty@outage-alerts.invalid", message.InReplyTo);
    }

    [Fact]
    public async Task SendAsync_SubscriptionLanguageEnglish_OverridesUkrainianAlert()
    {
        await using var services = Services(language: "en");

        await SendAsync(services, new EmailDelivery(AlertEventKind.Raised, SampleAlerts.KyivInUkrainian(), "ngo-duty"));

        var (_, message) = Assert.Single(_store.Messages);
        Assert.Equal("[SEVERE] Missile strike on a heat and power plant — Kyiv city (UA-30)", message.Subject);
        Assert.Contains("Casualties: 3 killed, 7 injured", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Where: Kyiv city (UA-30), Ukraine", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_EventFromTargets_SubjectNamesRegionFromTable()
    {
        await using var services = Services();
        var alert = SampleAlerts.Kharkiv() with { Event = "", Targets = ["power_grid"], Area = null };

        await SendAsync(services, new EmailDelivery(AlertEventKind.Raised, alert, "ngo-duty"));

        var (_, message) = Assert.Single(_store.Messages);
        Assert.Equal("[SEVERE] Strike on energy infrastructure — Kharkiv oblast (UA-63)", message.Subject);
        foreach (var label in new[] { "What:", "Where:", "When:", "Casualties:", "Outage:", "Why this severity:", "Sources:" })
        {
            Assert.Contains(label, message.TextBody, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SendAsync_Always_OffersListUnsubscribeByMail()
    {
        await using var services = Services();

        await SendAsync(services, new EmailDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "ngo-duty"));

        var (_, message) = Assert.Single(_store.Messages);
        Assert.Equal("<mailto:alerts@outage.example.org?subject=unsubscribe%20ngo-duty>", message.Headers["List-Unsubscribe"]);
        Assert.Null(message.Headers["List-Unsubscribe-Post"]);
    }

    [Fact]
    public async Task SendAsync_HttpsUnsubscribeUrl_OffersOneClick()
    {
        await using var services = Services(unsubscribeUrl: "https://alerts.example.org/unsubscribe?s={subscriptionId}");

        await SendAsync(services, new EmailDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "ngo-duty"));

        var (_, message) = Assert.Single(_store.Messages);
        Assert.StartsWith("<https://alerts.example.org/unsubscribe?s=ngo-duty>, <mailto:", message.Headers["List-Unsubscribe"], StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
    }

    [Fact]
    public async Task SendAsync_ThreeMessages_ReuseOneConnection()
    {
        await using var services = Services();

        foreach (var alert in new[] { SampleAlerts.Kharkiv(), SampleAlerts.Odesa(), SampleAlerts.KyivInUkrainian() })
        {
            Assert.Equal(DeliveryOutcome.Delivered, (await SendAsync(services, new EmailDelivery(AlertEventKind.Raised, alert, "ngo-duty"))).Outcome);
        }

        Assert.Equal(3, _store.Messages.Count);
        Assert.Equal(1, Volatile.Read(ref _sessions));
    }

    [Fact]
    public async Task SendAsync_TemporaryFailureThenRecovery_SecondAttemptDelivers()
    {
        await using var services = Services();
        _store.Answer = new SmtpResponse((SmtpReplyCode)451, "greylisted, come back later");
        var delivery = new EmailDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "ngo-duty");

        var first = await SendAsync(services, delivery);
        _store.Answer = null;
        var second = await SendAsync(services, delivery);

        Assert.Equal(DeliveryOutcome.Transient, first.Outcome);
        Assert.Equal(DeliveryOutcome.Delivered, second.Outcome);
        Assert.Single(_store.Messages);
    }

    [Fact]
    public async Task SendAsync_MarkupInAlertText_IsHtmlEncoded()
    {
        await using var services = Services();
        var alert = SampleAlerts.Kharkiv() with { Headline = "<script>alert(1)</script> & more" };

        await SendAsync(services, new EmailDelivery(AlertEventKind.Raised, alert, "ngo-duty"));

        var (_, message) = Assert.Single(_store.Messages);
        Assert.DoesNotContain("<script>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<script>alert(1)</script> & more", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ServerRejectsRecipient_IsPermanent()
    {
        await using var services = Services();
        _filter.Reject = true;

        var result = await SendAsync(services, new EmailDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "ngo-duty"));

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.StartsWith("SMTP 5", result.Error, StringComparison.Ordinal);
        Assert.Empty(_store.Messages);
    }

    [Fact]
    public async Task SendAsync_ServerTemporarilyFails_IsTransient()
    {
        await using var services = Services();
        _store.Answer = new SmtpResponse(SmtpReplyCode.InsufficientStorage, "mailbox store busy, try later");

        var result = await SendAsync(services, new EmailDelivery(AlertEventKind.Raised, SampleAlerts.Kharkiv(), "ngo-duty"));

        Assert.Equal(DeliveryOutcome.Transient, result.Outcome);
        Assert.StartsWith("SMTP 4", result.Error, StringComparison.Ordinal);
    }

    private sealed class RecordingStore : MessageStore
    {
        public ConcurrentQueue<(string[] Recipients, MimeMessage Message)> Messages { get; } = new();

        public SmtpResponse? Answer { get; set; }

        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (Answer is { } answer)
            {
                return answer;
            }

            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            Messages.Enqueue(([.. transaction.To.Select(t => $"{t.User}@{t.Host}")], message));
            return SmtpResponse.Ok;
        }
    }

    private sealed class RecipientFilter : IMailboxFilter
    {
        public bool Reject { get; set; }

        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
            Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(!Reject);
    }
}
