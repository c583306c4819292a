using System.Text.Json;
using OutageAlerts.Host;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.IntegrationTests.Pipeline;

namespace OutageAlerts.IntegrationTests.Commands;

/// <summary>An operator cancels an alert with the real executable while the service runs on the same store and broker.</summary>
[Collection(PipelineTests.Name)]
public sealed class AlertsCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AlertsCancel_DeliveredAlert_SubscribersGetCancelWithReferencesAndASecondCancelFails()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        await using var host = env.BuildHost(ServiceRoles.All);
        await host.StartAsync();
        var raised = (await env.Webhooks.WaitForAsync(1, Timeout, r => ItemId(r.BodyText) == "en-1")).Single();
        var alertId = JsonDocument.Parse(raised.BodyText).RootElement.GetProperty("data").GetProperty("alertId").GetString()!;

        var (exit, stdout, stderr) = await RunAsync(env, "alerts", "cancel", alertId, "--reason", "duplicate of an earlier report");
        Assert.True(exit == 0, stderr + stdout);

        var cancel = (await env.Webhooks.WaitForAsync(1, Timeout, r => r.BodyText.Contains("\"alert.cancelled\"", StringComparison.Ordinal))).Single();
        var data = JsonDocument.Parse(cancel.BodyText).RootElement.GetProperty("data");
        Assert.Equal(alertId, data.GetProperty("alertId").GetString());
        Assert.Equal("Cancel", data.GetProperty("msgType").GetString());
        Assert.True(data.GetProperty("version").GetInt32() > 1);
        Assert.NotEmpty(data.GetProperty("references").EnumerateArray());

        var again = await RunAsync(env, "alerts", "cancel", alertId, "--reason", "again");
        Assert.Equal(1, again.Exit);
        var unknown = await RunAsync(env, "alerts", "cancel", "oa-000000000000", "--reason", "no such alert");
        Assert.Equal(1, unknown.Exit);
        await host.StopAsync();
    }

    private static string? ItemId(string body) =>
        JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("sources")[0].GetProperty("itemId").GetString();

    private static Task<(int Exit, string Stdout, string Stderr)> RunAsync(PipelineEnvironment env, params string[] arguments) =>
        Executable.RunAsync(arguments, settings: env.Settings());
}
