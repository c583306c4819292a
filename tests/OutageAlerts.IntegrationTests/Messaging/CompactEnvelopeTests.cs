using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Contracts;
using OutageAlerts.Host;
using OutageAlerts.Host.Benchmarking;
using OutageAlerts.Host.Messaging;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.IntegrationTests.Pipeline;

namespace OutageAlerts.IntegrationTests.Messaging;

/// <summary>
/// What an alert's message looks like on the broker. Regression (issue 10): MassTransit indents its envelopes unless
/// told otherwise, and whitespace was most of every message, written, stored by the broker and parsed at each hop.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class CompactEnvelopeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Publish_AlertRaised_GoesOutAsOneLineEnvelopeThatStillCarriesTheAlert()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        var settings = env.Settings();
        var broker = new BenchBroker(RabbitMqAddress.Parse(env.Broker.ConnectionString));
        var alert = new Alert
        {
            AlertId = "oa-compact-envelope",
            Version = 1,
            MsgType = MsgType.Alert,
            Sent = new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero),
            Severity = Severity.Extreme,
            Urgency = Urgency.Immediate,
            Certainty = Certainty.Observed,
            Event = "Strike on a heating plant",
            Headline = "Heating plant hit overnight, districts without heat",
            Description = "Written for this test; the event is invented.",
            Country = "UA",
        };

        await using (var host = env.BuildHost(ServiceRoles.Ingestion, settings))
        {
            await host.StartAsync();
            await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, Timeout);
            await using var tap = await broker.TapAlertRaisedAsync($"test-compact-{Guid.NewGuid():N}", CancellationToken.None);
            await host.Services.GetRequiredService<IBus>().Publish(new AlertRaised(alert));
            var taken = await tap.TakeAsync(Timeout, TimeProvider.System, CancellationToken.None);
            await host.StopAsync();

            Assert.NotNull(taken);
            var body = taken.Body.ToArray();
            // Neither line breaks nor indentation anywhere (the alert's own texts have no double spaces).
            Assert.Equal(-1, body.AsSpan().IndexOf("\n"u8));
            Assert.Equal(-1, body.AsSpan().IndexOf("  "u8));
            using var envelope = JsonDocument.Parse(body);
            var message = envelope.RootElement.GetProperty("message").GetProperty("alert");
            Assert.Equal(alert.AlertId, message.GetProperty("alertId").GetString());
            Assert.Equal(alert.Headline, message.GetProperty("headline").GetString());
        }
    }

    [Fact]
    public void CompactEnvelopes_TextBeyondAscii_IsWrittenAsUtf8AndReadBack()
    {
        var options = MessagingServiceCollectionExtensions.CompactEnvelopes(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var headline = "Удар по ТЕЦ у Харкові; قصف محطة كهرباء";

        var body = JsonSerializer.SerializeToUtf8Bytes(new { headline }, options);

        Assert.Equal(-1, body.AsSpan().IndexOf("\\u"u8));
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(headline) + "{\"headline\":\"\"}".Length, body.Length);
        Assert.Equal(headline, JsonDocument.Parse(body).RootElement.GetProperty("headline").GetString());
    }

    [Fact]
    public void CompactEnvelopes_IndentedOptions_WritesOneLine()
    {
        var options = MessagingServiceCollectionExtensions.CompactEnvelopes(new JsonSerializerOptions { WriteIndented = true });

        Assert.Equal("{\"a\":[1,2]}", JsonSerializer.Serialize(new { a = new[] { 1, 2 } }, options));
    }
}
