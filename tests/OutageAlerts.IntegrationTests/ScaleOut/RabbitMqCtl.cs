using System.Diagnostics;

namespace OutageAlerts.IntegrationTests.ScaleOut;

/// <summary>What the broker itself says about a virtual host's queues and consumers (rabbitmqctl on this machine).</summary>
public static class RabbitMqCtl
{
    /// <summary>Each queue of <paramref name="vhost"/> with the given columns, e.g. <c>name type</c>.</summary>
    public static async Task<IReadOnlyList<string[]>> ListAsync(string what, string vhost, params string[] columns)
    {
        var output = await RunAsync([what, "-q", "--no-table-headers", "-p", vhost, .. columns]);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r').Split('\t'))];
    }

    /// <summary>
    /// A throw-away virtual host whose default queue type is quorum (RabbitMQ 3.10 or later), as scale-out with
    /// <c>OutageAlerts:RabbitMq:QuorumQueues</c> needs; returns its amqp:// URI. Delete it with <see cref="DeleteVirtualHostAsync"/>.
    /// </summary>
    public static async Task<string> CreateQuorumVirtualHostAsync(string name)
    {
        var broker = new Uri(Environment.GetEnvironmentVariable(Infrastructure.RabbitMqVirtualHost.BrokerVariable)
            ?? throw new InvalidOperationException($"{Infrastructure.RabbitMqVirtualHost.BrokerVariable} is not set."));
        var user = Uri.UnescapeDataString(broker.UserInfo.Split(':')[0]);
        await RunAsync(["add_vhost", name, "--default-queue-type", "quorum"]);
        await RunAsync(["set_permissions", "-p", name, user, ".*", ".*", ".*"]);
        return new UriBuilder(broker) { Path = "/" + Uri.EscapeDataString(name) }.Uri.AbsoluteUri;
    }

    public static Task DeleteVirtualHostAsync(string name) => RunAsync(["delete_vhost", name]);

    private static async Task<string> RunAsync(IEnumerable<string> arguments)
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
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }
}
