using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Host;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.IntegrationTests.Pipeline;
using OutageAlerts.Testing;
using SmtpServer.Protocol;

namespace OutageAlerts.IntegrationTests.Commands;

/// <summary>
/// A delivery that fails every retry ends in its error queue instead of blocking the queue; the operator sees it
/// with `errors list` and, once the cause is fixed, sends it back with `errors replay`.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class ErrorsCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ErrorsReplay_EmailThatFailedEveryRetry_IsListedThenDeliveredOnceTheRelayRecovers()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        var relayDown = true;
        await using var relay = LocalSmtpServer.Start(_ => relayDown ? new SmtpResponse(SmtpReplyCode.Aborted, "local error, try later") : SmtpResponse.Ok);
        var settings = env.Settings();
        settings["OutageAlerts:Smtp:Port"] = relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["OutageAlerts:Delivery:RetryLimit"] = "1";
        settings["OutageAlerts:Delivery:RetryMinInterval"] = "00:00:00.1";
        settings["OutageAlerts:Delivery:RetryMaxInterval"] = "00:00:00.2";
        var expectedEmails = TestFeeds.All.Count(i => i.Expect.HasFlag(Expect.Email));

        await using (var host = env.BuildHost(ServiceRoles.All, settings))
        {
            await host.StartAsync();
            var waiting = await env.Broker.WaitForQueueDepthAsync("deliver-email_error", expectedEmails, Timeout);
            await host.StopAsync();
            Assert.Equal(expectedEmails, waiting);
        }

        var list = await Executable.RunAsync(["errors", "list"], settings: settings);
        Assert.Equal(1, list.Exit);
        Assert.Matches($@"deliver-email_error\s+{expectedEmails}\b", list.Stdout);
        Assert.Empty(relay.Messages);

        relayDown = false;
        var replay = await Executable.RunAsync(["errors", "replay", "--queue", "deliver-email"], settings: settings);
        Assert.True(replay.Exit == 0, replay.Stderr + replay.Stdout);

        await using (var host = env.BuildHost(ServiceRoles.Delivery, settings))
        {
            await host.StartAsync();
            await relay.WaitForAsync(expectedEmails, Timeout);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await host.StopAsync();
        }

        Assert.Equal(expectedEmails, relay.Messages.Count);
        var after = await Executable.RunAsync(["errors", "list"], settings: settings);
        Assert.Equal(0, after.Exit);
    }

    [Fact]
    public async Task ErrorsReplay_WebhookBatchAnEarlierReplicaSkipped_IsListedThenDelivered()
    {
        // During a rolling upgrade a delivery replica of an earlier version has no consumer for routing's newer batch
        // message (WebhookDeliveryBatch), and MassTransit moves it to deliver-webhook_skipped. Put one there as that
        // replica would leave it.
        await using var env = await PipelineEnvironment.StartAsync();
        var settings = env.Settings();
        var alert = new Alert
        {
            AlertId = "inc-2026-12-01-skipped",
            Version = 1,
            MsgType = MsgType.Alert,
            Sent = new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.Zero),
            Severity = Severity.Severe,
            Urgency = Urgency.Immediate,
            Certainty = Certainty.Observed,
            Event = "Strike on energy infrastructure",
            Headline = "Substation hit, districts without power",
            Description = "Written for this test; the event is invented.",
            Country = "UA",
        };
        await using (var host = env.BuildHost(ServiceRoles.Delivery, settings))
        {
            await host.StartAsync();
            // The bus starts in the background: stopped before it is up, its endpoints would connect after the stop.
            await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, Timeout);
            var skipped = await host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{DeliveryQueues.Webhook}_skipped"));
            await skipped.Send(new WebhookDeliveryBatch(
                [new AlertWebhooks(AlertEventKind.Raised, AlertPayload.From(alert), null, [new WebhookRecipient("hooks", null)])]));
            await host.StopAsync();
        }

        var list = await Executable.RunAsync(["errors", "list"], settings: settings);
        Assert.Equal(1, list.Exit);
        Assert.Matches(@"deliver-webhook_skipped\s+1\b", list.Stdout);
        Assert.Empty(env.Webhooks.Requests);

        var replay = await Executable.RunAsync(["errors", "replay", "--queue", "deliver-webhook"], settings: settings);
        Assert.True(replay.Exit == 0, replay.Stderr + replay.Stdout);
        Assert.Contains("deliver-webhook: 1 message(s) replayed", replay.Stdout, StringComparison.Ordinal);

        await using (var host = env.BuildHost(ServiceRoles.Delivery, settings))
        {
            await host.StartAsync();
            var delivered = await env.Webhooks.WaitForAsync(1, Timeout, r => r.BodyText.Contains(alert.AlertId, StringComparison.Ordinal));
            await host.StopAsync();
            Assert.Single(delivered);
        }

        var after = await Executable.RunAsync(["errors", "list"], settings: settings);
        Assert.Equal(0, after.Exit);
    }
}
