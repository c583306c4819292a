using System.Diagnostics;
using System.Globalization;
using System.Net;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.Testing;

namespace OutageAlerts.IntegrationTests.Memory;

/// <summary>
/// What the running service maps into memory: each assembly loaded costs its mapped image and its types (issue 10).
/// The store's PostgreSQL driver and the email channel's SMTP client are loaded only where they are used.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class LoadedAssembliesTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_OnSqliteWithAWebhookSubscriptionOnly_MapsNeitherNpgsqlNorMailKit()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var http = new Uri($"http://127.0.0.1:{LocalSmtpServer.FreeTcpPort()}/");
        var start = Executable.StartInfo(
            ["run"],
            new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = http.AbsoluteUri,
                ["OutageAlerts:Subscriptions:0:Id"] = "hook",
                ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
                ["OutageAlerts:Subscriptions:0:Target"] = "http://127.0.0.1:9/hook",
                ["OutageAlerts:Subscriptions:0:Secret"] = "whsec_" + Convert.ToBase64String(new byte[32]),
                ["OutageAlerts:Webhooks:AllowPrivateTargets"] = "true",
            });
        var workingDirectory = Directory.CreateTempSubdirectory("outage-alerts-assemblies-");
        start.WorkingDirectory = workingDirectory.FullName;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        string maps;
        try
        {
            // Ready means the store answered its health check, so it was built and migrated, and the consumers run.
            using var client = new HttpClient { BaseAddress = http };
            var deadline = DateTime.UtcNow + Limit;
            while (!await IsReadyAsync(client) && !process.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }

            Assert.False(process.HasExited, "the service exited");
            Assert.True(await IsReadyAsync(client), $"not ready within {Limit.TotalSeconds} s");
            maps = await File.ReadAllTextAsync($"/proc/{process.Id.ToString(CultureInfo.InvariantCulture)}/maps");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            workingDirectory.Delete(recursive: true);
        }

        var context = $"{await errors}\n{await output}";
        Assert.Contains("/OutageAlerts.Storage.dll", maps, StringComparison.Ordinal);
        Assert.Contains("/OutageAlerts.Delivery.dll", maps, StringComparison.Ordinal);
        Assert.Contains("/Microsoft.Data.Sqlite.dll", maps, StringComparison.Ordinal);
        Assert.False(maps.Contains("/Npgsql.dll", StringComparison.Ordinal), "Npgsql is mapped on SQLite\n" + context);
        Assert.False(maps.Contains("/MailKit.dll", StringComparison.Ordinal), "MailKit is mapped without an email subscription\n" + context);
    }

    private static async Task<bool> IsReadyAsync(HttpClient client)
    {
        try
        {
            using var response = await client.GetAsync(new Uri("health/ready", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
