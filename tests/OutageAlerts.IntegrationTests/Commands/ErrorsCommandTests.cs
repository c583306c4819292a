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
}
