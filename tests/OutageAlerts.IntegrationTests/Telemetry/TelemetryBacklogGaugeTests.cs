using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Host;
using OutageAlerts.Host.Messaging;
using OutageAlerts.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace OutageAlerts.IntegrationTests.Telemetry;

/// <summary>
/// The backlog gauges on the real service's <c>/metrics</c>: pending delivery retries from the store, and the
/// depth of RabbitMQ's error queues on a real broker.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed partial class TelemetryBacklogGaugeTests
{
    private const string PendingRetries = "outagealerts_delivery_retries_pending";
    private const string ErrorQueueDepth = "outagealerts_messaging_error_queue_depth";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Metrics_RetriesScheduled_PendingRetriesGaugeCountsThem()
    {
        await using var env = await TelemetryTestEnvironment.StartAsync();
        await using var host = env.BuildHost(ServiceRoles.Delivery);
        await host.StartAsync();
        using var client = TelemetryHostEndpoints.Client(host);
        var retries = host.Services.GetRequiredService<DeliveryRetries>();
        // Due tomorrow: the retry pump leaves them alone, so the count is exactly what was scheduled.
        var due = DateTimeOffset.UtcNow.AddDays(1);

        var before = await WaitForSampleAsync(client, PendingRetries, null, v => v == 0);
        foreach (var subscription in new[] { "hooks-a", "hooks-b", "hooks-c" })
        {
            await retries.ScheduleAsync(new DeliveryKey("alert-gauge", 1, subscription), DeliveryChannel.Webhook, due, CancellationToken.None);
        }

        var three = await WaitForSampleAsync(client, PendingRetries, null, v => v == 3);
        await retries.RemoveAsync(new DeliveryKey("alert-gauge", 1, "hooks-b"), CancellationToken.None);
        var two = await WaitForSampleAsync(client, PendingRetries, null, v => v == 2);
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        await host.StopAsync();

        Assert.Equal(0, before);
        Assert.Equal(3, three);
        Assert.Equal(2, two);
        // The in-memory transport has no error queues: the gauge is absent rather than a made-up zero.
        Assert.Empty(Samples(text, ErrorQueueDepth));
    }

    [Fact]
    public async Task Metrics_MessagesInAnErrorQueue_ErrorQueueDepthGaugeCountsThemAndMissingQueuesAsZero()
    {
        await using var env = await TelemetryTestEnvironment.StartAsync();
        await using var broker = await RabbitMqVirtualHost.CreateAsync();
        await using var host = env.BuildHost(ServiceRoles.Delivery, new Dictionary<string, string?>
        {
            ["OutageAlerts:Transport"] = "RabbitMq",
            ["ConnectionStrings:RabbitMq"] = broker.ConnectionString,
        });
        await host.StartAsync();
        using var client = TelemetryHostEndpoints.Client(host);
        var webhookErrors = "deliver-webhook" + ErrorQueues.Suffix;

        var empty = await WaitForSampleAsync(client, ErrorQueueDepth, webhookErrors, v => v == 0);
        await PutInQueueAsync(broker.ConnectionString, webhookErrors, count: 2);
        var two = await WaitForSampleAsync(client, ErrorQueueDepth, webhookErrors, v => v == 2);
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        await host.StopAsync();

        Assert.Equal(0, empty);
        Assert.Equal(2, two);
        var samples = Samples(text, ErrorQueueDepth);
        Assert.Equal(ErrorQueues.All.Order(), samples.Select(s => s.Queue).Order());
        // deliver-sms_error was never created (nothing failed there): it counts 0 and is not created by looking.
        Assert.Equal(0, samples.Single(s => s.Queue == "deliver-sms" + ErrorQueues.Suffix).Value);
        Assert.False(await QueueExistsAsync(broker.ConnectionString, "deliver-sms" + ErrorQueues.Suffix));
    }

    private static async Task PutInQueueAsync(string connectionString, string queue, int count)
    {
        var factory = RabbitMqAddress.Parse(connectionString).CreateConnectionFactory("gauge test");
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        for (var i = 0; i < count; i++)
        {
            await channel.BasicPublishAsync("", queue, mandatory: true, new BasicProperties { Persistent = true }, "{\"failed\":true}"u8.ToArray());
        }
    }

    private static async Task<bool> QueueExistsAsync(string connectionString, string queue)
    {
        var factory = RabbitMqAddress.Parse(connectionString).CreateConnectionFactory("gauge test");
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await channel.QueueDeclarePassiveAsync(queue);
            return true;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return false;
        }
    }

    /// <summary>Scrapes until the sample (of <paramref name="queue"/>, when given) satisfies <paramref name="until"/>; returns the last value seen.</summary>
    private static async Task<double?> WaitForSampleAsync(HttpClient client, string metric, string? queue, Func<double, bool> until)
    {
        var deadline = DateTime.UtcNow + Timeout;
        double? value = null;
        while (DateTime.UtcNow < deadline)
        {
            var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            value = Samples(text, metric).Where(s => queue is null || s.Queue == queue).Select(s => (double?)s.Value).FirstOrDefault();
            if (value is { } v && until(v))
            {
                break;
            }

            await Task.Delay(250);
        }

        return value;
    }

    private static List<(string? Queue, double Value)> Samples(string prometheusText, string metric) =>
        [.. prometheusText.Split('\n')
            .Select(line => Sample().Match(line))
            .Where(m => m.Success && m.Groups["name"].Value == metric)
            .Select(m => (
                Queue: QueueLabel().Match(m.Groups["labels"].Value) is { Success: true } q ? q.Groups[1].Value : null,
                Value: double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)))];

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[^}]*\})?\s+(?<value>\S+)")]
    private static partial Regex Sample();

    [GeneratedRegex("messaging_destination_name=\"([^\"]*)\"")]
    private static partial Regex QueueLabel();
}
