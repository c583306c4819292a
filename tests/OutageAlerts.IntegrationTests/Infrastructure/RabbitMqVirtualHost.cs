using System.Diagnostics;

namespace OutageAlerts.IntegrationTests.Infrastructure;

/// <summary>
/// A throw-away virtual host on the real RabbitMQ broker that ./test.sh starts, so each test sees only its own
/// exchanges and queues. Created with rabbitmqctl, which needs the broker on this machine.
/// </summary>
public sealed class RabbitMqVirtualHost : IAsyncDisposable
{
    public const string BrokerVariable = "OUTAGE_ALERTS_TEST_RABBITMQ";

    private RabbitMqVirtualHost(string name, Uri broker)
    {
        Name = name;
        var builder = new UriBuilder(broker) { Path = "/" + Uri.EscapeDataString(name) };
        ConnectionString = builder.Uri.AbsoluteUri;
        User = Uri.UnescapeDataString(broker.UserInfo.Split(':')[0]);
    }

    public string Name { get; }

    /// <summary>An amqp:// URI for DESIGN.md's ConnectionStrings:RabbitMq.</summary>
    public string ConnectionString { get; }

    private string User { get; }

    public static async Task<RabbitMqVirtualHost> CreateAsync()
    {
        var broker = Environment.GetEnvironmentVariable(BrokerVariable);
        if (string.IsNullOrWhiteSpace(broker))
        {
            throw new InvalidOperationException(
                $"{BrokerVariable} is not set. Run the tests with ./test.sh, which installs and starts RabbitMQ and PostgreSQL.");
        }

        var vhost = new RabbitMqVirtualHost("oa-test-" + Guid.NewGuid().ToString("N")[..12], new Uri(broker));
        await RabbitMqCtlAsync("add_vhost", vhost.Name);
        await RabbitMqCtlAsync("set_permissions", "-p", vhost.Name, vhost.User, ".*", ".*", ".*");
        return vhost;
    }

    public async ValueTask DisposeAsync() => await RabbitMqCtlAsync("delete_vhost", Name);

    /// <summary>Waits until <paramref name="queue"/> holds at least <paramref name="count"/> ready messages; returns the last depth seen.</summary>
    public async Task<int> WaitForQueueDepthAsync(string queue, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var depth = 0;
        while (DateTime.UtcNow < deadline)
        {
            var listing = await RabbitMqCtlAsync("list_queues", "-q", "--no-table-headers", "-p", Name, "name", "messages_ready");
            depth = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('\t'))
                .Where(parts => parts.Length == 2 && parts[0] == queue)
                .Select(parts => int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture))
                .FirstOrDefault();
            if (depth >= count)
            {
                break;
            }

            await Task.Delay(250);
        }

        return depth;
    }

    /// <summary>The names of the queues and exchanges the virtual host has now (the broker's own exchanges included).</summary>
    public async Task<IReadOnlyList<string>> ListQueuesAndExchangesAsync()
    {
        var queues = await RabbitMqCtlAsync("list_queues", "-q", "--no-table-headers", "-p", Name, "name");
        var exchanges = await RabbitMqCtlAsync("list_exchanges", "-q", "--no-table-headers", "-p", Name, "name");
        return [.. (queues + "\n" + exchanges).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    private static async Task<string> RabbitMqCtlAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmqctl did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
        }

        return await output;
    }
}
