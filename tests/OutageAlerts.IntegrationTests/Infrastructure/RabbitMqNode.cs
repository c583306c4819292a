using System.Diagnostics;

namespace OutageAlerts.IntegrationTests.Infrastructure;

/// <summary>The local RabbitMQ node, stopped and started as an operator would (its Erlang VM keeps running).</summary>
public static class RabbitMqNode
{
    public static Task StopAsync() => RabbitMqCtlAsync("stop_app");

    public static Task StartAsync() => RabbitMqCtlAsync("start_app");

    private static async Task RabbitMqCtlAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("rabbitmqctl", command) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {command} failed: {await errors}");
        }
    }
}
