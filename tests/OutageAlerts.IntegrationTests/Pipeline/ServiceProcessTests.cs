using System.Diagnostics;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.Testing;

namespace OutageAlerts.IntegrationTests.Pipeline;

/// <summary>
/// The published executable as an operator runs it: configured only through DESIGN.md contract 5's environment
/// variables, over RabbitMQ, stopped with SIGTERM.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class ServiceProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_ConfiguredByEnvironmentVariables_DeliversAlertsAndStopsCleanlyOnSigterm()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        var expected = TestFeeds.All.Count(i => i.Expect.HasFlag(Expect.Webhook));
        var workingDirectory = Directory.CreateTempSubdirectory("outage-alerts-process-");
        var start = Executable.StartInfo(["run"], env.Settings());
        start.WorkingDirectory = workingDirectory.FullName;
        var http = new Uri($"http://127.0.0.1:{LocalSmtpServer.FreeTcpPort()}/");
        start.Environment["ASPNETCORE_URLS"] = http.AbsoluteUri;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await env.Webhooks.WaitForAsync(expected, Timeout);
            await env.Smtp.WaitForAsync(TestFeeds.All.Count(i => i.Expect.HasFlag(Expect.Email)), Timeout);

            using var client = new HttpClient { BaseAddress = http };
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("health/live")).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("health/ready")).StatusCode);
            var metrics = await client.GetStringAsync("metrics");
            Assert.Contains("outagealerts_feed_polls_total", metrics, StringComparison.Ordinal);
            Assert.Contains("outagealerts_delivery_deliveries_total", metrics, StringComparison.Ordinal);
            Assert.Contains("outagealerts_feed_last_success_timestamp_seconds{", metrics, StringComparison.Ordinal);
        }
        finally
        {
            using var kill = Process.Start("kill", ["-s", "TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(stop.Token);
            workingDirectory.Delete(recursive: true);
        }

        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}\n{await errors}\n{await output}");
        Assert.Equal(expected, env.Webhooks.Requests.Count);
        Assert.Contains("Application is shutting down", await output, StringComparison.Ordinal);
    }
}
